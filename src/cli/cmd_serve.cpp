#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include <pthread.h>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/segmenter_options.hpp"
#include "core/error.hpp"
#include "predict/segmenter.hpp"
#include "serve/http_server.hpp"

namespace xnet::cli {

namespace {

struct ServeOptions {
  std::string model;
  SegmenterOptions segmenter;
  serve::ServiceOptions service;
  serve::ServerOptions server;
  int max_upload_mb = 200;
};

// SIGTERM and SIGINT, blocked in every thread (threads inherit the mask) and taken by one
// thread that stops the server: the requests in progress are answered, then serve exits 0.
sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "serve", "Segment radiographs over HTTP (POST /v1/segment) and in a browser viewer (GET /), the model loaded once");
  auto opt = std::make_shared<ServeOptions>();
  add_model_argument(*cmd, opt->model, "Model");
  cmd->add_option("--host", opt->server.host, "Address to listen on (0.0.0.0: every interface)")->capture_default_str();
  cmd->add_option("--port", opt->server.port, "Port to listen on (0: any free one, printed)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  cmd->add_option("--workers", opt->service.workers, "Radiographs segmented at once, sharing --threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--queue", opt->server.queue,
                  "Requests that may wait for a worker; beyond them the server answers 503 with Retry-After")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", opt->max_upload_mb, "Largest radiograph accepted, in MiB (413 beyond)")
      ->check(CLI::Range(1, 1 << 16))
      ->capture_default_str();
  cmd->add_option("--max-pixels", opt->service.limits.max_pixels,
                  "Refuse an image that declares more pixels than this, before decoding it (400)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--upload-timeout", opt->server.upload_timeout_s,
                  "Seconds an upload's body may take to arrive (408 beyond)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("!--no-access-log", opt->server.access_log, "No line per request on stderr");
  add_segmenter_options(*cmd, opt->segmenter);
  cmd->callback([opt] {
    const sigset_t signals = stop_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before any thread starts
    opt->segmenter.expected_images = 1;  // each request one image: predict's choice for one file
    opt->service.threads = opt->segmenter.threads;
    opt->server.max_upload_bytes = std::size_t(opt->max_upload_mb) << 20;
    const Segmenter segmenter(opt->model, opt->segmenter);
    const serve::SegmentService service(segmenter, opt->service);
    serve::HttpServer server(service, opt->server);
    const int port = server.bind();
    std::fprintf(stderr, "xnet: serving %s (%s, loaded in %.2f s) at http://%s:%d/ with %d worker(s), queue %d; "
                 "SIGTERM or Ctrl-C stops\n",
                 opt->model.c_str(), segmenter.engine().describe().c_str(), segmenter.load_seconds(),
                 opt->server.host.c_str(), port, opt->service.workers, opt->server.queue);
    // The stopper: a signal may come before run() listens (during the model load, say), when
    // httplib's stop() does nothing yet: it asks again until run() has returned.
    std::atomic<bool> finished{false}, signalled{false};
    std::thread stopper([&server, &finished, &signalled, signals] {
      int received = 0;
      sigwait(&signals, &received);
      if (finished) return;  // our own wake-up below
      signalled = true;
      std::fprintf(stderr, "xnet: %s: answering the requests in progress, then stopping\n", strsignal(received));
      while (!finished) {
        server.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    bool listened = false;
    try {
      listened = server.run();
    } catch (...) {
      finished = true;
      pthread_kill(stopper.native_handle(), SIGTERM);
      stopper.join();
      throw;
    }
    finished = true;
    // run() also returns when accepting fails: wake the stopper with a signal of our own.
    if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
    if (!listened) throw Error("the server stopped accepting connections on " + opt->server.host + ":" + std::to_string(port));
    std::fprintf(stderr, "xnet: stopped\n");
  });
}

}  // namespace xnet::cli
