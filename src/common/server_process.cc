#include "common/server_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <thread>

namespace sluice {
namespace {

// Runs functions on one thread that lives as long as the process (see ServerProcess).
class SpawnerThread {
 public:
  static SpawnerThread& Get() {
    static SpawnerThread* spawner = new SpawnerThread();  // never destroyed: the thread lives on
    return *spawner;
  }

  pid_t Run(std::function<pid_t()> fork_child) {
    std::packaged_task<pid_t()> task(std::move(fork_child));
    std::future<pid_t> result = task.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return result.get();
  }

 private:
  SpawnerThread() {
    std::thread([this] { Loop(); }).detach();
  }

  void Loop() {
    for (;;) {
      std::packaged_task<pid_t()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.erase(tasks_.begin());
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::packaged_task<pid_t()>> tasks_;
};

// The child's side of Start: only async-signal-safe calls.
[[noreturn]] void ExecChild(const ServerProcess::Options& o, char* const* args, pid_t parent) {
  if (o.user && (::setgroups(0, nullptr) != 0 || ::setgid(o.user->second) != 0 ||
                 ::setuid(o.user->first) != 0)) {
    ::_exit(126);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
  if (::getppid() != parent) ::_exit(1);
  if (o.own_process_group) ::setpgid(0, 0);
  int fd = ::open(o.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
  }
  if (!o.working_dir.empty() && ::chdir(o.working_dir.c_str()) != 0) ::_exit(126);
  ::execvp(args[0], args);
  ::_exit(127);
}

}  // namespace

ServerProcess::~ServerProcess() { Kill(); }

Status ServerProcess::Start(const Options& options) {
  if (running()) return Status::Ok();
  std::vector<char*> args;
  for (const auto& a : options.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = SpawnerThread::Get().Run([&]() -> pid_t {
    pid_t child = ::fork();
    if (child == 0) ExecChild(options, args.data(), parent);
    return child;
  });
  if (pid < 0) return Status::IoError(fmt::format("fork failed for {}", options.argv[0]));
  pid_ = pid;
  logs_ = options.other_logs;
  logs_.insert(logs_.begin(), options.log_path);
  return Status::Ok();
}

std::optional<int> ServerProcess::Exited() {
  int wstatus = 0;
  if (pid_ <= 0 || ::waitpid(pid_, &wstatus, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return wstatus;
}

Status ServerProcess::WaitUntilUp(std::string_view name, std::chrono::milliseconds timeout,
                                  std::chrono::milliseconds poll,
                                  const std::function<Status()>& probe) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Status last = Status::Unavailable("not tried");
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto status = Exited()) {
      return Status::Unavailable(fmt::format("{} exited during start-up (status {}); log tail:\n{}",
                                             name, *status, LogTail()));
    }
    last = probe();
    if (last.ok()) return Status::Ok();
    std::this_thread::sleep_for(poll);
  }
  return Status::Unavailable(fmt::format("{} did not answer within {} ms ({}); log tail:\n{}", name,
                                         timeout.count(), last.message(), LogTail()));
}

Status ServerProcess::WaitForSuccess(std::string_view name) {
  if (pid_ <= 0) return Status::Internal(fmt::format("{} was not started", name));
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
  if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) return Status::Ok();
  return Status::Unavailable(
      fmt::format("{} failed (status {}):\n{}", name, wstatus, LogTail(16000)));
}

void ServerProcess::Stop(int signal, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, signal);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (!Exited()) {
    if (std::chrono::steady_clock::now() > deadline) {
      Kill();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid_, &wstatus, 0);
  pid_ = -1;
}

std::string ServerProcess::LogTail(size_t max_bytes) const {
  std::string out;
  if (logs_.empty()) return out;
  for (const std::string& path : logs_) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string s = ss.str();
    const size_t share = max_bytes / logs_.size();
    out += s.size() > share ? s.substr(s.size() - share) : s;
  }
  return out;
}

}  // namespace sluice
