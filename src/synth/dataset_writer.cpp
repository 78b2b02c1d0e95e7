// write_synthetic_dataset: images in parallel, one worker per core, each image from its own
// (seed, index) stream so the bytes do not depend on the thread count.
#include <atomic>
#include <cstdio>
#include <exception>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "io/radiograph.hpp"
#include "synth/generator.hpp"
#include "synth/preview.hpp"

namespace xnet::synth {

namespace {

std::string stem(const std::string& category, int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "_%05d", index);
  return category + buf;
}

nlohmann::json field_json(const ExposedField& field) {
  nlohmann::json polygon = nlohmann::json::array();
  for (const auto& p : field.polygon) polygon.push_back({p.x, p.y});
  return {{"present", field.present}, {"polygon", polygon}};
}

// Previews show the first image of each category, then further ones, up to 16.
std::set<int> preview_indices(const std::vector<std::string>& categories) {
  std::set<int> picked;
  std::set<std::string> seen;
  for (int i = 0; i < static_cast<int>(categories.size()); ++i)
    if (seen.insert(categories[i]).second) picked.insert(i);
  for (int i = 0; i < static_cast<int>(categories.size()) && picked.size() < 16; ++i) picked.insert(i);
  while (picked.size() > 16) picked.erase(std::prev(picked.end()));
  return picked;
}

}  // namespace

void write_synthetic_dataset(const std::filesystem::path& out, const SynthOptions& o) {
  if (o.count < 1) throw UsageError("--count must be at least 1");
  if (o.size < 32 || o.size > 8192) throw UsageError("--size must be between 32 and 8192 pixels");
  const std::vector<std::string> categories = assign_categories(o.count, o.seed, o.imbalance);
  ensure_directory(out / "images");
  ensure_directory(out / "masks");

  struct Record { std::string category; bool display = false; ExposedField field; };
  std::vector<Record> records(o.count);
  const std::set<int> preview = o.preview.empty() ? std::set<int>{} : preview_indices(categories);
  std::vector<SyntheticImage> examples(preview.size());

  // Our workers are the parallelism; OpenCV's own thread pool inside them would oversubscribe.
  const int previous_cv_threads = cv::getNumThreads();
  cv::setNumThreads(1);
  Progress progress("synth", static_cast<std::size_t>(o.count));
  std::atomic<int> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (int i = next++; i < o.count; i = next++) {
      try {
        SyntheticImage image = synthesize(categories[i], o.seed, i, o.size, o.polarity, o.collimator_class);
        const std::string name = stem(image.category, i) + ".png";
        write_radiograph_image(out / "images" / name, image.pixels,
                               image.display ? PixelDepth::u8 : PixelDepth::u16);
        write_label_map(out / "masks" / name, image.labels);
        records[i] = {image.category, image.display, image.field};
        if (preview.count(i))
          examples[std::distance(preview.begin(), preview.find(i))] = std::move(image);
        progress.advance();
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = o.count;  // stop the others
      }
    }
  };
  const int threads = std::min(resolve_threads(o.threads), o.count);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  cv::setNumThreads(previous_cv_threads);
  if (failure) std::rethrow_exception(failure);
  progress.finish();

  std::ostringstream manifest;
  manifest << "image,mask,category,polarity\n";  // the polarity column: what the generator made
  nlohmann::json images = nlohmann::json::array();
  for (int i = 0; i < o.count; ++i) {
    const std::string name = stem(records[i].category, i) + ".png";
    manifest << "images/" << name << ",masks/" << name << ',' << records[i].category << ','
             << (records[i].display ? "display" : "raw") << '\n';
    images.push_back({{"image", "images/" + name},
                      {"mask", "masks/" + name},
                      {"category", records[i].category},
                      {"polarity", records[i].display ? "display" : "raw"},
                      {"collimator", field_json(records[i].field)}});
  }
  const nlohmann::json synth = {{"seed", o.seed},
                                {"size", o.size},
                                {"collimator_class", o.collimator_class},
                                {"images", images}};
  write_text_atomically(out / "synth.json", synth.dump(1) + "\n");
  write_text_atomically(out / "manifest.csv", manifest.str());
  if (!o.preview.empty()) write_preview(o.preview, examples);
}

}  // namespace xnet::synth
