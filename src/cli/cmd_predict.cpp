#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/model_argument.hpp"
#include "cli/segmenter_options.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "predict/batch_prediction.hpp"
#include "predict/input_files.hpp"

namespace xnet::cli {

namespace {

struct PredictOptions {
  std::string model;
  std::vector<std::string> inputs;
  SegmenterOptions segmenter;
  BatchOptions batch;
  std::string shard;
};

void print_breakdown(const BatchSummary& s) {
  const double n = s.written ? static_cast<double>(s.written) : 1.0;
  const auto& t = s.timings;
  std::printf(
      "%zu written, %zu failed in %.2f s (model load %.2f s, network on %s); per image: read %.3f, "
      "preprocess %.3f, network %.3f, upsample %.3f, post-process %.3f, write %.3f s\n",
      s.written, s.failed, s.seconds, s.model_load_seconds, s.engine.c_str(), t.read / n, t.preprocess / n, t.network / n,
      t.upsample / n, t.postprocess / n, t.write / n);
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict", "Segment radiographs at full resolution: mask, overlay and JSON per image");
  auto opt = std::make_shared<PredictOptions>();
  add_model_argument(*cmd, opt->model, "Model");
  cmd->add_option("INPUT", opt->inputs, "Images, or folders searched for every radiograph inside")->required();
  cmd->add_option("--out", opt->batch.out, "Output folder (created)")->required();
  cmd->add_option("--category", opt->batch.category,
                  "Body part: picks the model's soft-tissue threshold for that category");
  cmd->add_flag("--save-probabilities", opt->batch.save_probabilities,
                "Also write STEM_probabilities.tif (16-bit, one sample per class)");
  cmd->add_flag("--dicom-shutter", opt->batch.dicom_shutter,
                "For a DICOM input in which a collimator is found, also write STEM_shutter.dcm: a copy with "
                "the field as its polygonal Display Shutter, as modalities record collimation");
  cmd->add_flag("--dicom-seg", opt->batch.dicom_segmentation,
                "For a DICOM input, also write STEM_seg.dcm: the labels as a DICOM Segmentation object "
                "(one binary segment per class, referencing the input image) for PACS, OHIF or 3D Slicer");
  cmd->add_option("--workers", opt->batch.workers,
                  "Images segmented side by side, sharing the threads (0 = one per thread for several files, "
                  "else one)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-pixels", opt->batch.limits.max_pixels,
                  "Refuse an image that declares more pixels than this, before decoding it")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--shard", opt->shard,
                  "K/N: segment only shard K (0..N-1) of N disjoint, stable shards of the sorted inputs, "
                  "for N processes or machines sharing the work (default: RANK/WORLD_SIZE as torchrun sets "
                  "them, or SLURM_PROCID/SLURM_NTASKS under srun; else all). Each shard writes "
                  "OUT/summary-K-of-N.json; the last one done merges them into OUT/summary.json");
  add_segmenter_options(*cmd, opt->segmenter);
  cmd->callback([opt] {
    const Shard shard = opt->shard.empty() ? shard_from_environment(std::getenv) : parse_shard(opt->shard);
    std::vector<std::filesystem::path> inputs(opt->inputs.begin(), opt->inputs.end());
    const auto all = collect_radiographs(inputs);  // every shard checks the whole list
    check_outputs_spare_inputs(all, opt->batch.out);
    const auto files = shard.count > 1 ? files_of_shard(all, shard) : all;
    if (shard.count > 1)
      std::fprintf(stderr, "xnet: shard %d of %d (%s): %zu of %zu images\n", shard.index, shard.count,
                   shard.source.c_str(), files.size(), all.size());
    opt->segmenter.expected_images = files.size();
    opt->batch.software_version = XNET_VERSION;
    // A shard of more processes than images may hold none: nothing to load or segment.
    const auto summary = files.empty() ? BatchSummary{} : predict_files(opt->model, opt->segmenter, files, opt->batch);
    if (!files.empty()) print_breakdown(summary);
    ensure_directory(opt->batch.out);
    const auto merged = write_batch_summary(opt->batch.out, shard, all, summary);
    if (merged.empty())
      std::fprintf(stderr, "xnet: %s is written by the last of the %d shards to finish\n",
                   (opt->batch.out / "summary.json").string().c_str(), shard.count);
    if (summary.failed)
      throw Error(std::to_string(summary.failed) + " of " + std::to_string(files.size()) +
                  " images failed (reported above); the others were written");
  });
}

}  // namespace xnet::cli
