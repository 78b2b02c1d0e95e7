#include "cli/segmenter_options.hpp"

#include "cli/options.hpp"

namespace xnet::cli {

namespace {
// CLI11 has no std::optional<double> binding in Debian's version: a callback fills it.
void add_threshold_option(CLI::App& cmd, SegmenterOptions& options) {
  cmd.add_option_function<double>(
         "--soft-tissue-threshold", [&options](double p) { options.soft_tissue_threshold = p; },
         "Soft tissue only where p(soft tissue) > P (default: the model's, per --category)")
      ->check(CLI::Range(0.0, 1.0));
}
}  // namespace

void add_segmenter_options(CLI::App& cmd, SegmenterOptions& options) {
  add_threshold_option(cmd, options);
  cmd.add_option("--polarity", options.polarity,
                 "auto (a DICOM's presentation intent, else from the pixels) | raw (open beam bright) | "
                 "display (bone bright)")
      ->check(CLI::IsMember({"auto", "raw", "display"}))
      ->capture_default_str();
  auto& post = options.postprocess;
  cmd.add_flag_function("--no-bone-opening", [&post](std::int64_t) { post.bone_opening = false; },
                        "Keep small bone islands (no opening of the bone mask)");
  cmd.add_option("--bone-opening-size", post.bone_opening_size,
                 "Side of the opening square at the network's scale (reference.md: 10)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--bone-dilation", post.bone_dilation, "Dilate bone by N pixels after opening")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd.add_option_function<int>(
         "--min-region",
         [&post](int n) {
           post.min_region_pixels = n;
           post.remove_small_regions = n > 0;
         },
         "Regions smaller than N pixels (network scale) take their surroundings' class; 0 = keep")
      ->check(CLI::NonNegativeNumber);
  cmd.add_flag_function("--no-collimator", [&options](std::int64_t) { options.detect_collimator = false; },
                        "Skip collimator detection (no label 3 outside the field)");
  add_threads_option(cmd, options.threads);
  add_device_option(cmd, options.device);
  add_engine_options(cmd, options.engine, options.precision);
}

}  // namespace xnet::cli
