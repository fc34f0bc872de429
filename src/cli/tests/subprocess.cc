#include "cli/tests/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

extern char** environ;

namespace sluice::cli::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Builds "KEY=VALUE" strings: the parent's environment with `env` overriding it.
std::vector<std::string> ChildEnvironment(const EnvVars& env) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

Result<std::unique_ptr<Subprocess>> Subprocess::Start(const std::vector<std::string>& argv,
                                                      const EnvVars& env) {
  if (argv.empty()) return Status::InvalidArgument("Subprocess::Start: empty argv");
  std::vector<std::string> args = argv;
  std::vector<std::string> vars = ChildEnvironment(env);
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_vars = CStrings(vars);
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return Status::IoError(std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return Status::IoError(std::strerror(errno));
  }
  pid_t pid = fork();
  if (pid < 0) return Status::IoError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {  // child: only async-signal-safe calls from here on
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    execve(c_args[0], c_args.data(), c_vars.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->out_fd_ = out_pipe[0];
  p->err_fd_ = err_pipe[0];
  return p;
}

Result<SubprocessOutput> Subprocess::Run(const std::vector<std::string>& argv, const EnvVars& env,
                                         std::chrono::milliseconds timeout) {
  ASSIGN_OR_RETURN(auto child, Start(argv, env));
  return child->Wait(timeout);
}

Subprocess::~Subprocess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

bool Subprocess::Pump(int wait_ms) {
  pollfd fds[2];
  int n = 0;
  if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
  if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
  if (n == 0) return false;
  if (poll(fds, n, wait_ms) <= 0) return true;
  for (int i = 0; i < n; ++i) {
    if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    char buf[65536];
    ssize_t got = read(fds[i].fd, buf, sizeof(buf));
    if (got < 0 && errno == EINTR) continue;
    bool is_out = fds[i].fd == out_fd_;
    if (got <= 0) {
      close(fds[i].fd);
      (is_out ? out_fd_ : err_fd_) = -1;
      continue;
    }
    (is_out ? output_.stdout_text : output_.stderr_text).append(buf, static_cast<size_t>(got));
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

bool Subprocess::ReadStdoutUntil(size_t min_lines, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    size_t lines = static_cast<size_t>(
        std::count(output_.stdout_text.begin(), output_.stdout_text.end(), '\n'));
    if (lines >= min_lines) return true;
    if (Clock::now() >= deadline) return false;
    if (!Pump(std::min(MillisLeft(deadline), 50))) return false;
  }
}

void Subprocess::Signal(int signal) {
  if (!reaped_ && pid_ > 0) kill(pid_, signal);
}

SubprocessOutput Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int status = 0;
  while (!reaped_) {
    Pump(std::min(MillisLeft(deadline), 20));
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      break;
    }
    if (Clock::now() >= deadline) {
      output_.timed_out = true;
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      reaped_ = true;
      break;
    }
  }
  while (Pump(MillisLeft(deadline) > 0 ? 20 : 0)) {
    if (Clock::now() >= deadline + std::chrono::seconds(1)) break;  // a grandchild holds a pipe
  }
  if (WIFEXITED(status)) output_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) output_.term_signal = WTERMSIG(status);
  return output_;
}

}  // namespace sluice::cli::testing
