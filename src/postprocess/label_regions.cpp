#include "postprocess/label_regions.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include "core/labels.hpp"

namespace xnet {
namespace {

struct Run {
  int row, begin, end;  // [begin, end) columns
  std::uint8_t label;
};

// Connected regions as runs joined by union-find: the cost follows the number of runs, not of
// pixels, which keeps sparse masks and smooth label maps cheap at 1500x1500.
struct RunRegions {
  std::vector<Run> runs;
  std::vector<int> row_start, parent;

  // Runs of equal value; with `skip_zero`, zero pixels (outside a mask) make no runs.
  RunRegions(const cv::Mat& image, bool skip_zero, bool eight_connected) : row_start(image.rows + 1, 0) {
    for (int y = 0; y < image.rows; ++y) {
      row_start[y] = int(runs.size());
      const std::uint8_t* l = image.ptr<std::uint8_t>(y);
      for (int x = 0; x < image.cols;) {
        int e = x + 1;
        while (e < image.cols && l[e] == l[x]) ++e;
        if (!(skip_zero && l[x] == 0)) runs.push_back({y, x, e, l[x]});
        x = e;
      }
    }
    row_start[image.rows] = int(runs.size());
    parent.resize(runs.size());
    std::iota(parent.begin(), parent.end(), 0);
    const int widen = eight_connected ? 1 : 0;
    for (int y = 1; y < image.rows; ++y) {
      int q = row_start[y - 1];
      for (int r = row_start[y]; r < row_start[y + 1]; ++r) {
        while (q < row_start[y] && runs[q].end + widen <= runs[r].begin) ++q;
        for (int k = q; k < row_start[y] && runs[k].begin < runs[r].end + widen; ++k)
          if (runs[k].label == runs[r].label) join(k, r);
      }
    }
    for (std::size_t i = 0; i < runs.size(); ++i) parent[i] = root(int(i));
  }

  int root(int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  }
  void join(int a, int b) {
    a = root(a), b = root(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

}  // namespace

cv::Mat small_regions_mask(const cv::Mat& labels, int min_pixels) {
  CV_Assert(labels.type() == CV_8UC1);
  RunRegions regions(labels, false, true);
  std::vector<int> area(regions.runs.size(), 0);
  for (std::size_t i = 0; i < regions.runs.size(); ++i)
    area[regions.parent[i]] += regions.runs[i].end - regions.runs[i].begin;
  cv::Mat mask = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (std::size_t i = 0; i < regions.runs.size(); ++i) {
    const Run& run = regions.runs[i];
    if (run.label == label::ignore || area[regions.parent[i]] >= min_pixels) continue;
    std::uint8_t* m = mask.ptr<std::uint8_t>(run.row);
    std::fill(m + run.begin, m + run.end, std::uint8_t(255));
  }
  return mask;
}

void fill_from_surroundings(cv::Mat& labels, const cv::Mat& holes, int excluded_label) {
  CV_Assert(labels.type() == CV_8UC1 && holes.type() == CV_8UC1 && labels.size() == holes.size());
  cv::Mat binary = holes != 0;
  RunRegions regions(binary, true, false);
  if (regions.runs.empty()) return;
  std::vector<std::array<int, label::max_classes>> votes(regions.runs.size(), std::array<int, label::max_classes>{});
  auto vote = [&](int group, int y, int x) {
    if (x < 0 || y < 0 || x >= labels.cols || y >= labels.rows || binary.at<std::uint8_t>(y, x)) return;
    const std::uint8_t l = labels.at<std::uint8_t>(y, x);
    if (l < label::max_classes && l != excluded_label) ++votes[group][l];
  };
  for (std::size_t i = 0; i < regions.runs.size(); ++i) {
    const Run& run = regions.runs[i];
    const int group = regions.parent[i];
    vote(group, run.row, run.begin - 1);
    vote(group, run.row, run.end);
    for (int x = run.begin; x < run.end; ++x) vote(group, run.row - 1, x), vote(group, run.row + 1, x);
  }
  for (std::size_t i = 0; i < regions.runs.size(); ++i) {
    const auto& v = votes[regions.parent[i]];
    const int best = int(std::max_element(v.begin(), v.end()) - v.begin());
    if (v[best] == 0) continue;
    const Run& run = regions.runs[i];
    std::uint8_t* l = labels.ptr<std::uint8_t>(run.row);
    for (int x = run.begin; x < run.end; ++x)
      if (l[x] != label::ignore) l[x] = std::uint8_t(best);
  }
}

}  // namespace xnet
