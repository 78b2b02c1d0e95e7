#pragma once
// `xnet serve`'s HTTP side (cpp-httplib): the routes, the limits that keep one request from
// harming the others, JSON errors, and one access-log line per request on stderr.
//   GET  /            the viewer page (viewer.html, in the binary)
//   GET  /healthz     {"status":"ok","model":{...}}
//   POST /v1/segment  the radiograph's bytes -> segment_service.hpp's answer
// Every error is {"error": "..."}: 400 an unreadable upload or a bad parameter, 404, 408 an
// upload slower than the upload timeout, 413 a body over the limit (refused from its
// Content-Length, before it is read), 503 with Retry-After when workers and queue are full.
#include <cstddef>
#include <memory>
#include <string>

#include "serve/segment_service.hpp"

namespace xnet::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (bind() says which)
  std::size_t max_upload_bytes = std::size_t{200} << 20;
  int queue = 8;               // requests that may wait for a worker
  int upload_timeout_s = 60;   // the whole body must arrive within this
  int read_timeout_s = 10;     // any one read of a request (slow clients)
  bool access_log = true;
};

class HttpServer {
 public:
  HttpServer(const SegmentService& service, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; returns the port. Throws Error when it cannot.
  int bind();
  // Answers requests until stop(); returns once the requests in progress are answered:
  // true, or false when accepting connections failed.
  bool run();
  // Safe from any thread: stops accepting, lets run() drain and return.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The viewer page (viewer.html), embedded at build time.
const std::string& viewer_page();

}  // namespace xnet::serve
