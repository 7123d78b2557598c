#pragma once

// What the in-process edge benchmarks (edge_waiters, ll_waiters) share: the
// process's threads and RSS, and many plain HTTP/1.1 client connections, each
// sending one request and read together on one epoll thread (the caller's).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace antcdn::bench {

using Clock = std::chrono::steady_clock;

inline double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

struct ProcSample {
  int threads = 0;
  long rss_kb = 0;
};

inline ProcSample sample_self() {
  ProcSample s;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("Threads:")) {
      s.threads = std::atoi(line.c_str() + 8);
    } else if (line.starts_with("VmRSS:")) {
      s.rss_kb = std::atol(line.c_str() + 6);
    }
  }
  return s;
}

inline void take_peak(ProcSample& peak, ProcSample s) {
  peak.threads = std::max(peak.threads, s.threads);
  peak.rss_kb = std::max(peak.rss_kb, s.rss_kb);
}

// Each client costs two descriptors here (client and server side of one socket).
inline void raise_fd_limit(int clients) {
  rlimit lim{};
  ::getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < static_cast<rlim_t>(2 * clients + 64)) {
    std::fprintf(stderr, "RLIMIT_NOFILE hard limit %llu is too low for %d connections\n",
                 static_cast<unsigned long long>(lim.rlim_cur), clients);
    std::exit(1);
  }
}

// One client connection: a request sent, its response read.
struct ClientConn {
  int fd = -1;
  bool keep_body = false;  // keep the body's bytes (small bodies); otherwise only count them
  std::string head;        // response bytes up to the blank line
  bool in_body = false;
  int status = 0;
  size_t content_length = 0;
  size_t body_bytes = 0;
  std::string body;           // with keep_body
  bool complete = false;      // the whole response arrived
  Clock::time_point done_at;  // when it completed, or the connection ended without it
  // With SO_TIMESTAMPNS on the socket (timestamp_arrivals): when the kernel
  // received the bytes of the last read, whenever this thread got to read them.
  std::optional<std::chrono::system_clock::time_point> arrived_at;
};

// Asks the kernel to stamp each received packet (ClientConn::arrived_at).
inline void timestamp_arrivals(int fd) {
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

// recv(), also taking the kernel's receive time when the socket gives one.
inline ssize_t recv_stamped(ClientConn& c, std::vector<char>& buf) {
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = ::recvmsg(c.fd, &msg, 0);
  for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); n > 0 && cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
      timespec ts{};
      std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
      c.arrived_at = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
    }
  }
  return n;
}

inline constexpr size_t kMaxHeadBytes = 8192;

// A blocking connect to 127.0.0.1:`port` and send; the socket is then non-blocking.
inline int connect_and_send(uint16_t port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    std::perror("client connect/send");
    std::exit(1);
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

inline std::string get_request(const std::string& target, std::string_view user_agent) {
  return "GET " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: " + std::string(user_agent) + "\r\n\r\n";
}

inline void parse_head(ClientConn& c) {
  std::sscanf(c.head.c_str(), "HTTP/1.%*d %d", &c.status);
  std::string lower = c.head;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (auto at = lower.find("\r\ncontent-length:"); at != std::string::npos) {
    c.content_length = std::strtoull(lower.c_str() + at + 17, nullptr, 10);
  }
}

// Feeds received bytes to `c`; true when its response is complete (or is not HTTP).
inline bool feed(ClientConn& c, std::string_view data) {
  if (c.in_body) {
    c.body_bytes += data.size();
    if (c.keep_body) {
      c.body.append(data);
    }
    return c.body_bytes >= c.content_length;
  }
  // Only the head is kept (a read may carry 256 KB of body with it).
  size_t take = std::min(data.size(), kMaxHeadBytes - c.head.size());
  c.head.append(data.substr(0, take));
  auto end = c.head.find("\r\n\r\n");
  if (end == std::string::npos) {
    return c.head.size() == kMaxHeadBytes;  // not HTTP: counted as a failed response
  }
  std::string_view rest = data.substr(take);
  std::string_view in_head(c.head.data() + end + 4, c.head.size() - (end + 4));
  c.body_bytes = in_head.size() + rest.size();
  if (c.keep_body) {
    c.body.assign(in_head);
    c.body.append(rest);
  }
  c.head.resize(end + 2);
  c.head.shrink_to_fit();
  c.in_body = true;
  parse_head(c);
  return c.body_bytes >= c.content_length;
}

// Reads every response on one epoll set; returns when all are complete (or
// their connections ended) or after `limit`. `tick` runs between waits.
inline void read_responses(std::vector<ClientConn>& conns, std::chrono::seconds limit,
                           const std::function<void()>& tick = {}) {
  int ep = ::epoll_create1(0);
  for (size_t i = 0; i < conns.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &ev);
  }
  std::vector<char> buf(256 * 1024);
  std::vector<epoll_event> events(256);
  const auto deadline = Clock::now() + limit;
  size_t left = conns.size();
  while (left > 0 && Clock::now() < deadline) {
    if (tick) {
      tick();
    }
    int got = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 20);
    for (int e = 0; e < got; ++e) {
      ClientConn& c = conns[events[e].data.u64];
      ssize_t n = recv_stamped(c, buf);
      if (n < 0 && errno == EAGAIN) {
        continue;
      }
      c.complete = n > 0 && feed(c, std::string_view(buf.data(), static_cast<size_t>(n)));
      if (c.complete || n <= 0) {
        c.done_at = Clock::now();
        ::close(c.fd);  // also leaves the epoll set
        c.fd = -1;
        --left;
      }
    }
  }
  ::close(ep);
}

}  // namespace antcdn::bench
