#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <torch/torch.h>

#include "augment/augmenter.hpp"
#include "augment/preview.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/labels.hpp"
#include "core/progress.hpp"
#include "core/threads.hpp"
#include "data/dataset.hpp"
#include "model/model_file.hpp"
#include "model/network.hpp"
#include "model/runtime.hpp"
#include "train/balanced_sampler.hpp"
#include "train/batch_loader.hpp"
#include "train/checkpoint.hpp"
#include "train/distributed.hpp"
#include "train/evaluation.hpp"
#include "train/interruption.hpp"
#include "train/optimizer.hpp"
#include "train/sample_cache.hpp"
#include "train/schedule.hpp"

namespace fs = std::filesystem;

namespace xnet {

namespace {

using model::LoadedModel;
using engine::ModelFile;
using engine::NetworkSpec;
using model::SegmentationNetImpl;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The labelled images of the dataset, their split and their cached network inputs.
struct TrainingData {
  std::vector<std::string> keys, categories;
  std::vector<SplitPart> parts;
  std::vector<CachedSample> cache;  // one per labelled image, in dataset order
  int classes = 3;
  std::vector<int> indices(SplitPart part) const { return indices_of(parts, part); }
};

std::vector<SplitPart> choose_split(const TrainOptions& o, const std::vector<std::string>& keys,
                                    const std::vector<std::string>& categories,
                                    const nlohmann::json* resumed) {
  if (resumed) {
    std::vector<SplitPart> parts;
    for (const auto& key : keys) {
      if (!resumed->contains(key))
        throw file_error(o.out / "checkpoint.pt", "the dataset's image '" + key +
                                                      "' is not in the run's split; was DATA changed?");
      parts.push_back(parse_split_part(resumed->at(key).get<std::string>()));
    }
    return parts;
  }
  if (!o.split_file.empty()) return read_split_csv(o.split_file, keys);
  return make_split(categories, o.fractions, o.seed);
}

Preprocessing preprocessing_of(const TrainOptions& o) {
  Preprocessing p;
  p.input_size = o.input_size;
  p.square_windows = o.square_windows;
  return p;
}

TrainingData prepare_data(const TrainOptions& o, const nlohmann::json* resumed_split, int threads) {
  const Dataset dataset = load_dataset(o.data);
  std::vector<int> labelled;
  TrainingData d;
  for (int i = 0; i < static_cast<int>(dataset.samples.size()); ++i) {
    if (!dataset.samples[i].labelled()) continue;
    labelled.push_back(i);
    d.keys.push_back(sample_key(dataset, dataset.samples[i]));
    d.categories.push_back(dataset.samples[i].category);
  }
  if (labelled.size() < 3)
    throw file_error(o.data, "needs at least 3 labelled images to train, found " +
                                 std::to_string(labelled.size()));
  d.parts = choose_split(o, d.keys, d.categories, resumed_split);
  if (d.indices(SplitPart::train).empty() || d.indices(SplitPart::val).empty())
    throw file_error(o.data, "the split leaves no training or no validation image");
  write_split_csv(o.out / "split.csv", d.keys, d.parts);

  const Preprocessing pre = preprocessing_of(o);
  // Augmentation zooms into crops by up to 1/(1-0.4) (reference.md): from twice the input size
  // the zoomed images stay sharp (sample_cache.hpp).
  const int detail_scale = o.augment ? 2 : 1;
  d.cache = cache_samples(dataset, labelled, pre, threads, detail_scale);
  const bool has_collimator = highest_label(d.cache) >= label::collimator;
  d.classes = (o.collimator_class == "on" || (o.collimator_class == "auto" && has_collimator)) ? 4 : 3;
  if (d.classes == 3)  // collimator labels without a collimator class: not counted
    for (auto& c : d.cache) {
      c.labels.setTo(label::ignore, c.labels == label::collimator);
      if (!c.detail_labels.empty()) c.detail_labels.setTo(label::ignore, c.detail_labels == label::collimator);
    }
  return d;
}

struct HistoryRow {
  int epoch;
  double train_loss, val_loss, val_accuracy, val_weighted_f1, lr, seconds;
};

nlohmann::json to_json(const HistoryRow& r) {
  return {r.epoch, r.train_loss, r.val_loss, r.val_accuracy, r.val_weighted_f1, r.lr, r.seconds};
}

HistoryRow history_row(const nlohmann::json& j) {
  return {j[0].get<int>(), j[1], j[2], j[3], j[4], j[5], j[6]};
}

// What made a synthetic training set (its synth.json, written by `xnet synth`), so that a model's
// provenance says it saw no real radiograph; null for other datasets.
nlohmann::json synthetic_origin(const fs::path& data) {
  std::ifstream in(data / "synth.json");
  if (!in) return nullptr;
  const auto synth = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!synth.is_object()) return nullptr;
  return {{"generator", "xnet synth"},
          {"seed", synth.value("seed", nlohmann::json())},
          {"size", synth.value("size", nlohmann::json())},
          {"images", synth.contains("images") ? synth["images"].size() : 0}};
}

void write_history(const fs::path& file, const std::vector<HistoryRow>& rows) {
  std::ostringstream out;
  out << "epoch,train_loss,val_loss,val_accuracy,val_weighted_f1,lr,seconds\n";
  char line[256];
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.2f\n", r.epoch, r.train_loss,
                  r.val_loss, r.val_accuracy, r.val_weighted_f1, r.lr, r.seconds);
    out << line;
  }
  write_text_atomically(file, out.str());
}

LossOptions loss_options(const TrainOptions& o) {
  LossOptions l;
  l.class_weights = o.class_weights;
  l.region_term = o.region_loss;
  l.region_weight = o.region_weight;
  l.l2 = o.l2;
  return l;
}

AugmentOptions augment_options(const TrainOptions& o) {
  return o.augment ? AugmentOptions{} : AugmentOptions::off();
}

// One training session (fresh or resumed): the network, its optimiser and the loop state.
class Session {
 public:
  Session(const TrainOptions& o, const nlohmann::json* resumed)
      : o_(o), start_(Clock::now()), schedule_(o.schedule, o.learning_rate(), o.learning_rate() * 1e-2),
        stopping_(o.patience) {
    model::configure_threads(resolve_threads(o.threads));
    device_ = model::select_device(o.device);
    // Met first, so that processes started wrongly fail before minutes of caching.
    if (const auto world = distributed_environment(std::getenv)) {
      group_ = std::make_unique<ProcessGroup>(*world, std::chrono::seconds(o.dist_timeout_seconds));
      if (group_->rank() != 0) o_.quiet = true;
    }
    data_ = prepare_data(o, resumed ? &resumed->at("split") : nullptr, resolve_threads(o.threads));
    build_network();
    if (resumed) restore(*resumed);
    if (group_) {  // every process starts from rank 0's weights and batch-norm statistics
      std::vector<torch::Tensor> state = net_->parameters();
      for (const auto& b : net_->buffers()) state.push_back(b);
      group_->broadcast(state);
    }
  }

  TrainResult run();

 private:
  void build_network();
  void restore(const nlohmann::json& state);
  double train_epoch(int epoch, const InterruptionWatch& interruption, double& lr_used);
  bool over_budget(double extra_seconds) const;
  double elapsed() const { return elapsed_before_ + seconds_since(start_); }
  void save_best_model(int epoch, double val_loss);
  void save_state(int epoch);
  nlohmann::json split_json() const;

  TrainOptions o_;
  Clock::time_point start_;
  double elapsed_before_ = 0;  // seconds spent by earlier sessions of this run
  torch::Device device_{torch::kCPU};
  TrainingData data_;
  NetworkSpec spec_;
  nlohmann::json init_provenance_;  // of the --init model: a fine-tuned model says what it came from
  std::shared_ptr<SegmentationNetImpl> net_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  LearningRateSchedule schedule_;
  EarlyStopping stopping_;
  std::vector<HistoryRow> history_;
  int first_epoch_ = 0;
  int best_epoch_ = 0;
  double best_val_loss_ = 0;
  double validation_seconds_ = 0;  // last validation pass, to budget the test pass
  double images_trained_ = 0, seconds_training_ = 0;
  // Distributed training: none in a single process. Rank 0 alone writes the run's files; every
  // decision to stop is taken by all processes together.
  std::unique_ptr<ProcessGroup> group_;
  bool stopped_together_ = false;  // another process was interrupted
  bool writes() const { return !group_ || group_->rank() == 0; }
  bool interrupted(const InterruptionWatch& w) const { return w.requested() || stopped_together_; }
  // Each process's own share of `indices`: every size-th, truncated so all have as many.
  std::vector<int> share_of(const std::vector<int>& indices, bool equal) const;
};

std::vector<int> Session::share_of(const std::vector<int>& indices, bool equal) const {
  if (!group_) return indices;
  const std::size_t size = group_->size(), per = indices.size() / size;
  std::vector<int> mine;
  for (std::size_t i = group_->rank(); i < indices.size(); i += size)
    if (!equal || mine.size() < per) mine.push_back(indices[i]);
  return mine;
}

void Session::build_network() {
  torch::manual_seed(o_.seed);
  if (!o_.init.empty()) {
    LoadedModel init = model::load_model(o_.init);
    if (init.meta.network.classes != data_.classes)
      throw file_error(o_.init, "has " + std::to_string(init.meta.network.classes) +
                                    " classes, this dataset needs " + std::to_string(data_.classes));
    spec_ = init.meta.network;
    net_ = init.net;
    init_provenance_ = init.meta.provenance;
  } else {
    spec_.architecture = o_.model;
    spec_.base_filters = o_.base_filters;
    spec_.classes = data_.classes;
    net_ = model::make_network(spec_);
  }
  net_->to(device_);
  if (o_.freeze == "encoder") {
    for (auto& p : net_->encoder_parameters()) p.set_requires_grad(false);
  } else if (!o_.freeze.empty()) {
    throw UsageError("--freeze accepts 'encoder', got '" + o_.freeze + "'");
  }
  std::vector<torch::Tensor> trainable;
  for (auto& p : net_->parameters())
    if (p.requires_grad()) trainable.push_back(p);
  optimizer_ = make_optimizer({o_.optimizer, o_.learning_rate()}, trainable);
}

void Session::restore(const nlohmann::json& state) {
  load_checkpoint(o_.out / "checkpoint.pt", *net_, *optimizer_, device_);
  first_epoch_ = state.at("epoch").get<int>();
  elapsed_before_ = state.at("elapsed_seconds").get<double>();
  schedule_.restore(state.at("schedule"));
  stopping_.restore(state.at("early_stopping"));
  best_epoch_ = state.at("best_epoch").get<int>();
  best_val_loss_ = state.at("best_val_loss").get<double>();
  validation_seconds_ = state.value("validation_seconds", 0.0);
  for (const auto& row : state.at("history")) history_.push_back(history_row(row));
}

nlohmann::json Session::split_json() const {
  nlohmann::json split = nlohmann::json::object();
  for (std::size_t i = 0; i < data_.keys.size(); ++i) split[data_.keys[i]] = to_string(data_.parts[i]);
  return split;
}

void Session::save_state(int epoch) {
  if (!writes()) return;
  nlohmann::json history = nlohmann::json::array();
  for (const auto& r : history_) history.push_back(to_json(r));
  const nlohmann::json state = {{"epoch", epoch},
                                {"elapsed_seconds", elapsed()},
                                {"schedule", schedule_.state()},
                                {"early_stopping", stopping_.state()},
                                {"best_epoch", best_epoch_},
                                {"best_val_loss", best_val_loss_},
                                {"validation_seconds", validation_seconds_},
                                {"history", history},
                                {"split", split_json()},
                                {"options", o_}};
  save_checkpoint(o_.out / "checkpoint.pt", *net_, *optimizer_, state);
  write_history(o_.out / "history.csv", history_);
}

void Session::save_best_model(int epoch, double val_loss) {
  if (!writes()) return;
  ModelFile meta;
  meta.network = spec_;
  meta.input_size = o_.input_size;
  meta.classes.assign(label::names.begin(), label::names.begin() + data_.classes);
  meta.preprocessing = preprocessing_of(o_);
  meta.calibration = {{"temperature", 1.0}};
  meta.thresholds = nlohmann::json::object();
  meta.provenance = {{"command", "xnet train"},
                     {"data", fs::absolute(o_.data).string()},
                     {"synthetic_data", synthetic_origin(o_.data)},
                     {"initialised_from", init_provenance_},
                     {"epoch", epoch},
                     {"val_loss", val_loss},
                     {"train_images", data_.indices(SplitPart::train).size()},
                     {"augmentation", augment_options(o_)},
                     {"options", o_}};
  model::save_model(o_.out / "model.pt", meta, *net_);
}

bool Session::over_budget(double extra_seconds) const {
  if (o_.time_limit_minutes <= 0) return false;
  // The test pass is about as long as a validation pass per image; a few seconds for saving.
  const double test_share = static_cast<double>(data_.indices(SplitPart::test).size()) /
                            std::max<std::size_t>(1, data_.indices(SplitPart::val).size());
  const double reserve = validation_seconds_ * (1.0 + test_share) + 5.0;
  return elapsed() + extra_seconds + reserve > o_.time_limit_minutes * 60.0;
}

double Session::train_epoch(int epoch, const InterruptionWatch& interruption, double& lr_used) {
  const std::vector<int> train = data_.indices(SplitPart::train);
  std::vector<std::string> train_categories;
  for (int i : train) train_categories.push_back(data_.categories[i]);
  const BalancedSampler sampler(train_categories, o_.seed, o_.epoch_size);
  std::vector<int> order;
  for (int i : sampler.epoch(epoch)) order.push_back(train[i]);
  // Every process draws the same epoch and takes its own share, all shares of one length: the
  // gradient all-reduce needs as many steps from each (DDP's DistributedSampler, drop_last).
  order = share_of(order, true);

  const Augmenter augmenter(augment_options(o_));
  BatchPlan plan;
  plan.batch_size = o_.batch_size;
  plan.seed = o_.seed;
  plan.epoch = epoch;
  plan.boundary_weight = o_.boundary_weight;
  const int threads = resolve_threads(o_.threads);
  plan.workers = threads >= 8 ? threads / 4 : 1;  // augmenting is cheap next to a network step
  BatchLoader loader(data_.cache, order, o_.augment ? &augmenter : nullptr, plan);

  const LossOptions loss = loss_options(o_);
  const double budget_s = o_.time_limit_minutes * 60.0;
  net_->train();
  Progress progress(o_.time_limit_minutes > 0
                        ? "epoch " + std::to_string(epoch + 1)
                        : "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(o_.max_epochs()),
                    loader.batches());
  double loss_sum = 0;
  int images = 0;
  const auto t0 = Clock::now();
  for (int step = 0; step < loader.batches(); ++step) {
    // Cosine progress is the larger of the epoch and time fractions (schedule.hpp).
    double progress_fraction = (epoch + static_cast<double>(step) / loader.batches()) / o_.max_epochs();
    if (budget_s > 0) progress_fraction = std::max(progress_fraction, elapsed() / budget_s);
    const double lr = schedule_.learning_rate(progress_fraction);
    if (step == 0) lr_used = lr;
    set_learning_rate(*optimizer_, lr);

    auto batch = loader.next();
    BatchTensors t = to_tensors(*batch, device_);
    optimizer_->zero_grad();
    const auto data_loss = segmentation_loss(net_->forward(t.images), t.labels, loss, t.weights);
    const auto total = o_.l2 > 0 ? data_loss + l2_penalty(*net_, o_.l2) : data_loss;
    total.backward();
    if (group_) group_->average_gradients(net_->parameters());
    optimizer_->step();
    loss_sum += data_loss.item<double>() * batch->count;
    images += batch->count;
    char note[64];
    std::snprintf(note, sizeof note, "loss %.4f", loss_sum / images);
    progress.advance(1, note);
    // Leave time to validate and test; processes stop at the same step or not at all.
    bool interrupt = interruption.requested(), budget = over_budget(validation_seconds_);
    if (group_) {
      std::vector<double> flags{interrupt ? 1.0 : 0.0, budget ? 1.0 : 0.0};
      group_->sum(flags);
      stopped_together_ = flags[0] > 0;
      interrupt = stopped_together_;
      budget = flags[1] > 0;
    }
    if (interrupt || budget) break;
  }
  progress.finish();
  images_trained_ += images;
  seconds_training_ += seconds_since(t0);
  if (group_) {  // the epoch's loss over every process's images
    std::vector<double> sums{loss_sum, static_cast<double>(images)};
    group_->sum(sums);
    loss_sum = sums[0];
    images = static_cast<int>(sums[1]);
  }
  return images ? loss_sum / images : 0.0;
}

TrainResult Session::run() {
  const InterruptionWatch interruption;
  TrainResult result;
  result.stopped_by = "epochs";
  if (first_epoch_ == 0 && history_.empty()) save_state(0);  // resumable from the very start
  const std::vector<int> val = data_.indices(SplitPart::val);
  const LossOptions loss = loss_options(o_);
  auto forward = [this](const torch::Tensor& x) { return net_->forward(x); };
  int epoch = first_epoch_;
  for (; epoch < o_.max_epochs(); ++epoch) {
    if (stopping_.should_stop()) {
      result.stopped_by = "early stopping";
      break;
    }
    const double last_epoch_s = history_.empty() ? 0.0 : history_.back().seconds;
    bool budget = !history_.empty() && over_budget(last_epoch_s);
    if (group_) budget = group_->any(budget);
    if (budget) {
      result.stopped_by = "time limit";
      break;
    }
    const auto t0 = Clock::now();
    double lr = 0;
    const double train_loss = train_epoch(epoch, interruption, lr);
    if (interrupted(interruption)) break;  // the epoch is unfinished: the last checkpoint stands
    const auto v0 = Clock::now();
    std::function<void(std::vector<double>&)> reduce;
    if (group_) reduce = [this](std::vector<double>& counts) { group_->sum(counts); };
    const ValidationScores scores = validate(*net_, forward, data_.cache, share_of(val, false), loss, data_.classes,
                                             o_.batch_size, device_, reduce);
    validation_seconds_ = seconds_since(v0);
    schedule_.end_epoch(scores.loss);
    if (stopping_.improved(scores.loss)) {
      best_epoch_ = epoch + 1;
      best_val_loss_ = scores.loss;
      save_best_model(best_epoch_, scores.loss);
    }
    history_.push_back({epoch + 1, train_loss, scores.loss, scores.accuracy, scores.weighted_f1, lr,
                        seconds_since(t0)});
    save_state(epoch + 1);
    if (!o_.quiet)
      std::fprintf(stderr, "epoch %d: train loss %.4f, val loss %.4f, val accuracy %.4f, val weighted F1 %.4f%s\n",
                   epoch + 1, train_loss, scores.loss, scores.accuracy, scores.weighted_f1,
                   best_epoch_ == epoch + 1 ? " (best)" : "");
  }
  if (interrupted(interruption))
    throw Error((interruption.requested() ? "interrupted by signal " + std::to_string(interruption.signal())
                                          : std::string("another process of the run was interrupted")) +
                "; " +
                (o_.out / "checkpoint.pt").string() + " holds epoch " +
                std::to_string(history_.empty() ? 0 : history_.back().epoch) +
                ": continue with 'xnet train --resume " + o_.out.string() + "'");

  result.epochs = history_.empty() ? 0 : history_.back().epoch;
  result.best_epoch = best_epoch_;
  result.best_val_loss = best_val_loss_;
  result.train_images_per_second = seconds_training_ > 0 ? images_trained_ / seconds_training_ : 0;
  if (group_) {
    result.rank = group_->rank();
    result.processes = group_->size();
  }
  const std::vector<int> test = data_.indices(SplitPart::test);
  if (!test.empty() && best_epoch_ > 0 && writes()) {
    LoadedModel best = model::load_model(o_.out / "model.pt");
    best.net->to(device_);
    auto best_forward = [&](const torch::Tensor& x) { return best.net->forward(x); };
    result.metrics = test_metrics(*best.net, best_forward, data_.cache, test, data_.classes,
                                  o_.batch_size, device_, o_.out, o_.examples);
  }
  return result;
}

void check_fresh(const TrainOptions& o) {
  if (o.out.empty()) throw UsageError("--out RUN is required");
  if (o.data.empty()) throw UsageError("DATA is required");
  if (fs::exists(o.out / "checkpoint.pt"))
    throw file_error(o.out, "already holds a training run; use --resume to continue it or choose another --out");
  ensure_directory(o.out);
}

}  // namespace

TrainResult train(const TrainOptions& options) {
  check_fresh(options);
  Session session(options, nullptr);
  return session.run();
}

TrainResult resume_training(const fs::path& run, const ResumeOverrides& overrides) {
  const nlohmann::json state = read_checkpoint_state(run / "checkpoint.pt");
  TrainOptions o = state.at("options").get<TrainOptions>();
  o.out = run;
  if (overrides.time_limit_minutes) o.time_limit_minutes = *overrides.time_limit_minutes;
  if (overrides.epochs) o.epochs = *overrides.epochs;
  if (overrides.threads) o.threads = *overrides.threads;
  if (overrides.device) o.device = *overrides.device;
  Session session(o, &state);
  return session.run();
}

void write_training_preview(const TrainOptions& o, const fs::path& png) {
  const Dataset dataset = load_dataset(o.data);
  // One image from each of the first few categories, four augmentations each.
  std::vector<int> picked;
  std::vector<std::string> seen;
  for (int i = 0; i < static_cast<int>(dataset.samples.size()) && picked.size() < 3; ++i) {
    const auto& s = dataset.samples[i];
    if (!s.labelled() || std::find(seen.begin(), seen.end(), s.category) != seen.end()) continue;
    seen.push_back(s.category);
    picked.push_back(i);
  }
  if (picked.empty()) throw file_error(o.data, "no labelled image to preview");
  const Preprocessing pre = preprocessing_of(o);
  const auto cache = cache_samples(dataset, picked, pre, resolve_threads(o.threads));
  const Augmenter augmenter(augment_options(o));
  std::mt19937 rng(static_cast<std::uint32_t>(o.seed));
  std::vector<AugmentedPair> examples;
  for (const auto& c : cache)
    for (auto& pair : augmented_examples(augmenter, c.image, c.labels, 4, rng)) examples.push_back(pair);
  write_augment_preview(png, examples, 4);
}

}  // namespace xnet
