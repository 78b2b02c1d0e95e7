#include "serve/http_server.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

#include <httplib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.hpp"
#include "serve/upload.hpp"

namespace xnet::serve {

namespace {

using Clock = std::chrono::steady_clock;

// The request's start, for the access log's duration: each request is read, answered and
// logged on one of the server's threads.
thread_local Clock::time_point request_start;

void answer_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  // Replacing invalid UTF-8: a reader's message may quote bytes of the hostile file itself.
  res.set_content(nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  "application/json");
}

// The body's declared length, when the request declares one.
std::optional<std::size_t> declared_length(const httplib::Request& req) {
  if (!req.has_header("Content-Length")) return std::nullopt;
  const std::string text = req.get_header_value("Content-Length");
  char* end = nullptr;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') return std::nullopt;
  return std::size_t(value);
}

// 503: admission is full (segment_service.hpp Admission).
void answer_busy(httplib::Response& res) {
  res.set_header("Retry-After", "1");
  answer_error(res, 503, "busy: every worker and queue place is taken; retry shortly");
}

std::string too_large_message(std::size_t limit) {
  return "the upload exceeds the server's limit of " + std::to_string(limit >> 20) + " MiB (--max-upload-mb)";
}

// Threads beyond the admitted requests': health checks and refusals are answered while every
// worker and queue place is taken, also when some of them are held by slow uploads.
constexpr int kSpareThreads = 8;

// A private folder for uploads, removed with everything in it when the server goes.
struct ScratchFolder {
  std::filesystem::path path;
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "xnet-serve-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error("cannot create a temporary folder for uploads in " + pattern);
    path = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

struct HttpServer::Impl {
  const SegmentService& service;
  ServerOptions options;
  Admission admission;
  ScratchFolder scratch;
  httplib::Server server;

  Impl(const SegmentService& s, ServerOptions o)
      : service(s), options(std::move(o)), admission(s.options().workers, options.queue) {}

  // Reads and drops a refused request's body (its length was checked already), for at most a
  // few seconds: a socket closed on unread bytes resets, and the client might lose the answer;
  // a slow client is not worth a thread for longer.
  static void drain(const httplib::Request& req, const httplib::ContentReader& read) {
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    const auto receive = [&](const char*, std::size_t) { return Clock::now() < deadline; };
    // A multipart body is read only through httplib's multipart reader (the plain one throws).
    if (req.is_multipart_form_data())
      read([](const httplib::MultipartFormData&) { return true; }, receive);
    else
      read(receive);
  }

  // A refusal after the head was read: the body dropped, then the answer.
  static void refuse(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read,
                     int status, const std::string& message) {
    drain(req, read);
    answer_error(res, status, message);
  }

  void segment(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    auto ticket = admission.try_enter();
    if (!ticket) {
      drain(req, read);
      return answer_busy(res);
    }
    if (req.is_multipart_form_data())
      return refuse(req, res, read, 415,
                    "send the radiograph's bytes as the body (curl --data-binary @FILE), not a multipart form");
    SegmentRequest request;
    try {
      request = parse_segment_request(req.params);
    } catch (const Error& e) {
      return refuse(req, res, read, 400, e.what());
    }
    Upload upload(scratch.path, options.max_upload_bytes);
    const auto deadline = Clock::now() + std::chrono::seconds(options.upload_timeout_s);
    bool late = false;
    read([&](const char* data, std::size_t size) {
      if (Clock::now() > deadline) return !(late = true);
      return upload.append(data, size);
    });
    if (upload.too_large()) return answer_error(res, 413, too_large_message(options.max_upload_bytes));
    if (late)
      return answer_error(res, 408, "the upload took longer than " + std::to_string(options.upload_timeout_s) + " s");
    nlohmann::json answer;
    std::filesystem::path file;
    try {
      file = upload.finish();
      ticket->wait_turn();
      answer = service.segment(file, request);
    } catch (const BadUpload& e) {
      // The readers' messages name the temporary file; the client knows its upload by the
      // name it gave. (Any other failure is the server's: the exception handler's 500.)
      std::string message = e.what();
      const std::string temporary = file.string();
      for (auto at = message.find(temporary); !temporary.empty() && at != std::string::npos;
           at = message.find(temporary, at + request.name.size()))
        message.replace(at, temporary.size(), request.name);
      return answer_error(res, 400, message);
    }
    res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  }

  void routes() {
    server.set_payload_max_length(options.max_upload_bytes);
    server.set_read_timeout(options.read_timeout_s, 0);
    server.set_write_timeout(options.read_timeout_s, 0);
    // One request a connection: after a refusal (413, 503) the body the client still sends
    // would otherwise be read as the next request, up to its whole length. A connection costs
    // ~0.1 ms on loopback against ~300 ms of segmentation.
    server.set_keep_alive_max_count(1);
    // SO_REUSEADDR only: httplib's default also sets SO_REUSEPORT, with which a second server
    // started on a port in use would share it silently instead of failing.
    server.set_socket_options([](socket_t socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // The pool: every worker and queued request its own thread, and a few more so that a
    // health check or a refusal is answered while all of them are busy.
    const int pool = service.options().workers + options.queue + kSpareThreads;
    server.new_task_queue = [pool] { return new httplib::ThreadPool(std::size_t(pool)); };

    const auto over_limit = [this](const httplib::Request& req) {
      const auto length = declared_length(req);
      return length && *length > options.max_upload_bytes;
    };
    server.set_pre_routing_handler([this, over_limit](const httplib::Request& req, httplib::Response& res) {
      request_start = Clock::now();
      // No byte ranges of an answer: httplib would copy the whole answer once per range asked.
      if (req.has_header("Range")) {
        answer_error(res, 416, "byte ranges are not served");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (req.method == "POST" && !req.has_header("Content-Length") &&
          req.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos) {
        answer_error(res, 411, "a POST needs a Content-Length (or chunked transfer encoding)");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!over_limit(req)) return httplib::Server::HandlerResponse::Unhandled;
      // Refused from the header alone; the connection closes rather than read the body.
      res.set_header("Connection", "close");
      answer_error(res, 413, too_large_message(options.max_upload_bytes));
      return httplib::Server::HandlerResponse::Handled;
    });
    // A client that asks before sending its body (Expect: 100-continue, as curl does for large
    // ones) hears a refusal before it sends any of it.
    server.set_expect_100_continue_handler([this, over_limit](const httplib::Request& req, httplib::Response& res) {
      request_start = Clock::now();  // this handler runs before the pre-routing one
      // A refusal closes the connection: the client stops sending what it was about to send.
      if (over_limit(req) || admission.full()) res.set_header("Connection", "close");
      if (over_limit(req)) {
        answer_error(res, 413, too_large_message(options.max_upload_bytes));
        return 413;
      }
      if (req.path == "/v1/segment" && admission.full()) {
        answer_busy(res);
        return 503;
      }
      return 100;
    });
    server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // ours already
      const std::string what = res.status == 404 ? "no such endpoint: " + req.method + " " + req.path +
                                                       " (GET /, GET /healthz, POST /v1/segment)"
                               : res.status == 413 ? std::string("the upload is too large")
                                                   : "HTTP " + std::to_string(res.status);
      answer_error(res, res.status, what);
      return httplib::Server::HandlerResponse::Handled;
    }));
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
      std::string what = "internal error";
      try {
        std::rethrow_exception(error);
      } catch (const std::bad_alloc&) {
        res.set_header("Retry-After", "5");
        return answer_error(res, 503, "out of memory for this request; retry later");
      } catch (const std::exception& e) {
        what += std::string(": ") + e.what();
      } catch (...) {
      }
      answer_error(res, 500, what);
    });
    if (options.access_log) {
      server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - request_start).count();
        char when[32];
        const std::time_t now = std::time(nullptr);
        std::tm utc{};
        std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &utc));
        // One write per line, so that lines of concurrent requests do not interleave.
        // The path as received (decoded): control characters would forge lines of their own.
        std::string path = req.path;
        for (char& c : path)
          if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        std::fprintf(stderr, "%s %s %s %s %d %zu %.1fms\n", when, req.remote_addr.c_str(), req.method.c_str(),
                     path.c_str(), res.status, res.body.size(), ms);
      });
    }

    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(viewer_page(), "text/html; charset=utf-8");
    });
    server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(nlohmann::json{{"status", "ok"}, {"model", service.model_info()}}.dump() + "\n",
                      "application/json");
    });
    server.Post("/v1/segment", [this](const httplib::Request& req, httplib::Response& res,
                                      const httplib::ContentReader& read) { segment(req, res, read); });
  }
};

HttpServer::HttpServer(const SegmentService& service, ServerOptions options)
    : impl_(std::make_unique<Impl>(service, std::move(options))) {
  impl_->routes();
}

HttpServer::~HttpServer() = default;

int HttpServer::bind() {
  auto& o = impl_->options;
  if (o.port == 0) {
    o.port = impl_->server.bind_to_any_port(o.host);
    if (o.port < 0) throw Error("cannot listen on " + o.host + " (any port)");
  } else if (!impl_->server.bind_to_port(o.host, o.port)) {
    throw Error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                " (in use, or not an address of this machine)");
  }
  return o.port;
}

bool HttpServer::run() { return impl_->server.listen_after_bind(); }

void HttpServer::stop() { impl_->server.stop(); }

}  // namespace xnet::serve
