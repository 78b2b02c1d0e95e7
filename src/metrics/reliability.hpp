#pragma once
// Reliability diagram and calibration errors over 15 equal-width confidence bins (Guo et al.
// 2017; the bin count of the issue). A pixel adds its confidence (a probability) and whether
// the event it is confident about happened (top-class prediction correct, or truth == class
// for the one-vs-rest diagram of a class).
#include <array>
#include <cstdint>
#include <optional>

namespace xnet::metrics {

struct ReliabilityBin {
  double lo, hi;
  std::optional<double> confidence, accuracy;  // none for an empty bin
  std::uint64_t count;
};

class ReliabilityDiagram {
 public:
  static constexpr int bin_count = 15;

  void add(double confidence, bool hit) {
    int b = int(confidence * bin_count);
    b = b < 0 ? 0 : (b >= bin_count ? bin_count - 1 : b);  // confidence 1.0 in the last bin
    auto& bin = bins_[b];
    bin.confidence += confidence;
    bin.hits += hit ? 1 : 0;
    bin.count += 1;
  }
  void merge(const ReliabilityDiagram& other);

  std::uint64_t count() const;
  std::optional<double> confidence() const;  // mean confidence
  std::optional<double> accuracy() const;    // fraction of hits
  // Expected calibration error: sum_b n_b / N * |accuracy_b - confidence_b|.
  std::optional<double> ece() const;
  // Maximum calibration error: max over non-empty bins of |accuracy_b - confidence_b|.
  std::optional<double> mce() const;
  std::array<ReliabilityBin, bin_count> bins() const;

 private:
  struct Sums {
    double confidence = 0;
    std::uint64_t hits = 0, count = 0;
  };
  std::array<Sums, bin_count> bins_{};
};

}  // namespace xnet::metrics
