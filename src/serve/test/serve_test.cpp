// `xnet serve` in process: the upload's format sniffed from its bytes, the admission's bounds,
// the query's checks, and the HTTP answers of a server on a free loopback port with a tiny
// untrained model: the mask equal to the Segmenter's for the same file, and every error as
// JSON with its status (400, 404, 413, 503 + Retry-After).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>

#include <opencv2/imgcodecs.hpp>

#include "core/error.hpp"
#include "io/radiograph.hpp"
#include "predict/test/predict_fixture.hpp"
#include "serve/http_server.hpp"
#include "serve/upload.hpp"

namespace fs = std::filesystem;

namespace xnet::serve {
namespace {

std::vector<unsigned char> unbase64(const std::string& text) {
  std::vector<unsigned char> bytes(3 * text.size() / 4 + 3);
  const int n = EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(text.data()), int(text.size()));
  EXPECT_GE(n, 0);
  // EVP_DecodeBlock counts the padding's zero bytes too.
  std::size_t padding = 0;
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) ++padding;
  bytes.resize(std::size_t(n) - padding);
  return bytes;
}

std::string file_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Upload, KnowsEachFormatByItsFirstBytes) {
  EXPECT_EQ(sniffed_extension("\x89PNG\r\n\x1a\n....", 12), ".png");
  EXPECT_EQ(sniffed_extension("\xff\xd8\xff\xe0", 4), ".jpg");
  EXPECT_EQ(sniffed_extension("II*\0\x08\0\0\0", 8), ".tif");
  EXPECT_EQ(sniffed_extension("MM\0*\0\0\0\x08", 8), ".tif");
  std::string dicom(132, '\0');
  dicom.replace(128, 4, "DICM");
  EXPECT_EQ(sniffed_extension(dicom.data(), dicom.size()), ".dcm");
  EXPECT_EQ(sniffed_extension(dicom.data(), 131), "");  // cut before the magic ends
  EXPECT_EQ(sniffed_extension("GIF89a", 6), "");
  EXPECT_EQ(sniffed_extension("", 0), "");
}

TEST(Upload, StopsAtItsLimitAndRemovesItsFile) {
  const fs::path dir = test::fresh_folder("upload");
  fs::path kept;
  {
    Upload upload(dir, 10);
    EXPECT_TRUE(upload.append("\x89PNG\r\n", 6));
    EXPECT_FALSE(upload.append("\x1a\n12345", 7));  // 13 > 10
    EXPECT_TRUE(upload.too_large());
    EXPECT_EQ(upload.size(), 6u);
  }
  {
    Upload upload(dir, 100);
    upload.append("not an image at all", 19);
    EXPECT_THROW(upload.finish(), Error);
  }
  {
    Upload upload(dir, 100);
    upload.append("\x89PNG\r\n\x1a\n", 8);
    kept = upload.finish();
    EXPECT_EQ(kept.extension(), ".png");
    EXPECT_TRUE(fs::exists(kept));
  }
  EXPECT_FALSE(fs::exists(kept));
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

TEST(Admission, AdmitsWorkersPlusQueueAndGivesTurnsToWorkersOnly) {
  Admission admission(1, 1);
  auto first = admission.try_enter();
  auto second = admission.try_enter();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(admission.try_enter());  // both places taken
  first->wait_turn();
  std::atomic<bool> second_running{false};
  std::thread waiter([&] {
    second->wait_turn();
    second_running = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_running);  // the one worker's place is the first's
  first.reset();
  waiter.join();
  EXPECT_TRUE(second_running);
  EXPECT_EQ(admission.admitted(), 1);
  EXPECT_TRUE(admission.try_enter());
}

TEST(SegmentRequest, ParsesEachParameterAndRefusesBadValues) {
  const auto r = parse_segment_request(
      {{"soft_tissue_threshold", "0.25"}, {"polarity", "display"}, {"category", "hand"}, {"viewer", "1"}, {"name", "a.dcm"}});
  EXPECT_DOUBLE_EQ(*r.image.soft_tissue_threshold, 0.25);
  EXPECT_EQ(*r.image.polarity, "display");
  EXPECT_EQ(r.image.category, "hand");
  EXPECT_TRUE(r.viewer);
  EXPECT_EQ(r.name, "a.dcm");
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"soft_tissue_threshold", "1.5"}, {"soft_tissue_threshold", "x"}, {"soft_tissue_threshold", "0.5x"},
           {"polarity", "inverted"}, {"viewer", "yes"}, {"colour", "red"}}) {
    try {
      parse_segment_request({{key, value}});
      ADD_FAILURE() << key << "=" << value << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

class ServeTest : public ::testing::Test {
 protected:
  static constexpr std::size_t kMaxUpload = 1 << 20;

  void SetUp() override {
    dir_ = test::fresh_folder("serve");
    SegmenterOptions o;
    o.device = "cpu";
    o.threads = 1;
    o.expected_images = 1;
    segmenter_ = std::make_unique<Segmenter>(test::write_tiny_model(dir_), o);
    ServiceOptions service;
    service.threads = 1;
    service.workers = 1;
    service_ = std::make_unique<SegmentService>(*segmenter_, service);
    ServerOptions server;
    server.port = 0;
    server.queue = 0;  // one request at a time: a second one is refused
    server.max_upload_bytes = kMaxUpload;
    server.access_log = false;
    server_ = std::make_unique<HttpServer>(*service_, server);
    port_ = server_->bind();
    serving_ = std::thread([this] { server_->run(); });
    image_ = dir_ / "phantom.png";
    cv::imwrite(image_.string(), test::raw_phantom({211, 157}, 12));
  }
  void TearDown() override {
    server_->stop();
    serving_.join();
    fs::remove_all(dir_);
  }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  httplib::Result post(const std::string& query, const std::string& body) const {
    return client().Post(("/v1/segment" + query).c_str(), body, "application/octet-stream");
  }
  // The phantom posted until the answer has this status (at most 50 tries, `pause` apart):
  // the server's state follows a client's socket with a delay.
  httplib::Result post_until(int status, std::chrono::milliseconds pause) const {
    httplib::Result r = post("", file_bytes(image_));
    for (int attempt = 0; attempt < 50 && !(r && r->status == status); ++attempt) {
      std::this_thread::sleep_for(pause);
      r = post("", file_bytes(image_));
    }
    return r;
  }
  static nlohmann::json json_of(const httplib::Result& r) { return nlohmann::json::parse(r->body); }

  fs::path dir_, image_;
  std::unique_ptr<Segmenter> segmenter_;
  std::unique_ptr<SegmentService> service_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  int port_ = 0;
};

TEST_F(ServeTest, HealthSaysWhatModelItServes) {
  const auto r = client().Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto j = json_of(r);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_EQ(j["model"]["classes"].size(), 3u);
  EXPECT_EQ(j["model"]["input_size"], segmenter_->input_size());
  EXPECT_EQ(j["model"]["labels"][2]["name"], "bone");
  EXPECT_FALSE(j["model"]["engine"].get<std::string>().empty());
}

TEST_F(ServeTest, TheMaskIsTheSegmentersForTheSameFile) {
  const auto r = post("?name=phantom.png", file_bytes(image_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = json_of(r);
  const Segmentation expected = segmenter_->segment(read_radiograph(image_));
  const cv::Mat mask = cv::imdecode(unbase64(j["mask_png"]), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(mask.type(), CV_8UC1);
  ASSERT_EQ(mask.size(), expected.labels.size());
  EXPECT_EQ(cv::countNonZero(mask != expected.labels), 0);
  EXPECT_EQ(j["image"], "phantom.png");
  EXPECT_EQ(j["width"], 211);
  EXPECT_EQ(j["height"], 157);
  EXPECT_DOUBLE_EQ(j["soft_tissue_threshold"].get<double>(), expected.soft_tissue_threshold);
  double sum = 0;
  for (const auto& [name, f] : j["fractions"].items()) sum += f.get<double>();
  EXPECT_NEAR(sum, 1.0, 1e-9);
  const cv::Mat overlay = cv::imdecode(unbase64(j["overlay_png"]), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(overlay.type(), CV_8UC3);
  EXPECT_EQ(overlay.size(), mask.size());
  EXPECT_FALSE(j.contains("viewer"));
}

TEST_F(ServeTest, QueryParametersReachTheSegmenter) {
  const auto low = json_of(post("?soft_tissue_threshold=0&viewer=1", file_bytes(image_)));
  const auto high = json_of(post("?soft_tissue_threshold=1&polarity=display", file_bytes(image_)));
  EXPECT_DOUBLE_EQ(low["soft_tissue_threshold"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(high["soft_tissue_threshold"].get<double>(), 1.0);
  EXPECT_EQ(high["polarity"], "display");
  EXPECT_EQ(high["polarity_source"], "option");
  EXPECT_EQ(high["fractions"]["soft_tissue"].get<double>(), 0.0);  // p > 1 nowhere
  EXPECT_GT(low["fractions"]["soft_tissue"].get<double>(), 0.0);
  const auto& viewer = low["viewer"];
  const cv::Mat soft = cv::imdecode(unbase64(viewer["soft_tissue_png"]), cv::IMREAD_UNCHANGED);
  const cv::Mat others = cv::imdecode(unbase64(viewer["other_labels_png"]), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(soft.cols, viewer["preview_width"].get<int>());
  EXPECT_EQ(others.size(), soft.size());
  double most;
  cv::minMaxLoc(others, nullptr, &most);
  EXPECT_LE(most, 3);
  EXPECT_EQ(cv::countNonZero(others == 1), 0);  // soft tissue is the page's to decide
  const cv::Mat display = cv::imdecode(unbase64(viewer["display_png"]), cv::IMREAD_UNCHANGED);
  EXPECT_EQ(display.size(), cv::Size(211, 157));
}

TEST_F(ServeTest, UnreadableUploadsAre400AndNameTheUploadNotATemporaryFile) {
  for (const std::string& body : {std::string("garbage, not an image"), std::string()}) {
    const auto r = post("?name=mine.dcm", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_FALSE(json_of(r)["error"].get<std::string>().empty());
  }
  // A PNG cut short: its signature says PNG, the decoder finds it truncated.
  const std::string png = file_bytes(image_);
  const auto r = post("?name=mine.png", png.substr(0, png.size() / 2));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  const std::string error = json_of(r)["error"];
  EXPECT_NE(error.find("mine.png"), std::string::npos) << error;
  EXPECT_EQ(error.find("xnet-serve-"), std::string::npos) << error;
  // A PNG signature before random bytes: libpng's complaint quotes some of them, which are no
  // UTF-8, and the answer must still be JSON.
  std::mt19937 random(5);
  for (int attempt = 0; attempt < 20; ++attempt) {
    std::string hostile = "\x89PNG\r\n\x1a\n";
    for (int i = 0; i < 4096; ++i) hostile += char(random());
    const auto h = post("", hostile);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->status, 400) << h->body;
    EXPECT_NO_THROW(json_of(h));
  }
  // A bad parameter.
  const auto bad = post("?polarity=upside-down", png);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(json_of(bad)["error"].get<std::string>().find("polarity"), std::string::npos);
  // And the server still serves.
  EXPECT_EQ(post("", png)->status, 200);
}

TEST_F(ServeTest, UnknownPathsAre404Json) {
  const auto r = client().Get("/v2/nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(json_of(r)["error"].get<std::string>().find("/v2/nothing"), std::string::npos);
}

// A plain TCP connection to the server, for requests httplib's client would not send.
int loopback_connection(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(std::uint16_t(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(s, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  return s;
}

// The answer to a request's head alone, its body never sent: what a server that refuses from the
// Content-Length says before the body would arrive.
std::string answer_to_head(int port, const std::string& head) {
  const int s = loopback_connection(port);
  EXPECT_EQ(::send(s, head.data(), head.size(), 0), ssize_t(head.size()));
  timeval timeout{10, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(s, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, std::size_t(n));
  ::close(s);
  return answer;
}

TEST_F(ServeTest, BodiesOverTheLimitAre413BeforeTheyAreSent) {
  const std::string length = std::to_string(kMaxUpload + 1);
  for (const std::string expect : {"", "Expect: 100-continue\r\n"}) {
    const std::string answer =
        answer_to_head(port_, "POST /v1/segment HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n" + expect + "\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"error\""), std::string::npos) << answer;
    EXPECT_NE(answer.find("MiB"), std::string::npos) << answer;
  }
  EXPECT_EQ(post("", file_bytes(image_))->status, 200);
}

TEST_F(ServeTest, RangesFormsAndBodiesOfNoLengthAreRefusedAtOnce) {
  // httplib would copy the answer once per range: none are served.
  const auto ranged = client().Get("/healthz", httplib::Headers{{"Range", "bytes=0-,0-,0-"}});
  ASSERT_TRUE(ranged);
  EXPECT_EQ(ranged->status, 416);
  // A browser form's multipart body is not a radiograph.
  const auto form = client().Post("/v1/segment", httplib::MultipartFormDataItems{{"file", file_bytes(image_), "a.png",
                                                                                  "image/png"}});
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  EXPECT_NE(json_of(form)["error"].get<std::string>().find("--data-binary"), std::string::npos);
  // Neither a length nor chunks: answered from the head, not after a read timeout.
  const std::string answer = answer_to_head(port_, "POST /v1/segment HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(answer.rfind("HTTP/1.1 411", 0), 0u) << answer;
  EXPECT_EQ(post("", file_bytes(image_))->status, 200);
}

// A client that sends its headers and part of its body, then waits: it holds the one place.
class StalledUpload {
 public:
  explicit StalledUpload(int port) : socket_(loopback_connection(port)) {
    const std::string head = "POST /v1/segment HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\x89PNG";
    EXPECT_EQ(::send(socket_, head.data(), head.size(), 0), ssize_t(head.size()));
  }
  ~StalledUpload() { ::close(socket_); }

 private:
  int socket_ = -1;
};

TEST_F(ServeTest, ARequestBeyondWorkersAndQueueIs503WithRetryAfter) {
  {
    StalledUpload holding(port_);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the server takes it in
    const auto r = post_until(503, std::chrono::milliseconds(20));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->get_header_value("Retry-After"), "1");
    EXPECT_NE(json_of(r)["error"].get<std::string>().find("busy"), std::string::npos);
    EXPECT_EQ(client().Get("/healthz")->status, 200);  // the server still answers the rest
  }
  // The stalled client gone, its place is free again.
  const auto r = post_until(200, std::chrono::milliseconds(50));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServeTest, TheViewerPageIsSelfContained) {
  const auto r = client().Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(r->body.find("/v1/segment"), std::string::npos);
  for (const char* external : {"<script src", "<link", "@import", "http://", "https://"})
    EXPECT_EQ(r->body.find(external), std::string::npos) << external;
}

}  // namespace
}  // namespace xnet::serve
