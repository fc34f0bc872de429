#include "cli/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace sluice::cli {

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                          const Environment& env,
                                                          const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::unique_ptr<ChildProcess> child(new ChildProcess());
  child->log_path_ = log_path;
  // Closed by the child's exec (O_CLOEXEC): Spawn returns once the child runs the program, so
  // what the caller reads of it (/proc/<pid>) is the program's, not this process's copy.
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) return Status::IoError("pipe failed");
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(exec_pipe[0]);
    ::close(exec_pipe[1]);
    return Status::IoError("fork failed");
  }
  if (pid == 0) {
    ::close(exec_pipe[0]);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    for (const auto& [key, value] : env) ::setenv(key.c_str(), value.c_str(), 1);
    ::setpgid(0, 0);  // out of the terminal's group: Ctrl-C reaches the parent, which stops us
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(exec_pipe[1]);
  char byte;
  while (::read(exec_pipe[0], &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(exec_pipe[0]);
  child->pid_ = pid;
  return child;
}

std::string ChildProcess::SelfPath() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("sluice") : p.string();
}

ChildProcess::~ChildProcess() { Terminate(); }

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  if (::wait4(pid_, &wait_status_, WNOHANG, &usage_) == pid_) pid_ = -1;
  return pid_ > 0;
}

void ChildProcess::Wait() {
  if (pid_ <= 0) return;
  if (::wait4(pid_, &wait_status_, 0, &usage_) == pid_) pid_ = -1;
}

void ChildProcess::Terminate(int timeout_ms) {
  if (!Running()) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      Wait();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace sluice::cli
