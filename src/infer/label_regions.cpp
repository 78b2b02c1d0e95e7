#include "infer/label_regions.hpp"

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/labels.hpp"

namespace xnet {
namespace {

struct Run {
  int row, begin, end;  // [begin, end) columns
  std::uint8_t label;
};

int find_root(std::vector<int>& parent, int i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

cv::Mat small_regions_mask(const cv::Mat& labels, int min_pixels) {
  CV_Assert(labels.type() == CV_8UC1);
  std::vector<Run> runs;
  std::vector<int> row_start(labels.rows + 1, 0);
  for (int y = 0; y < labels.rows; ++y) {
    row_start[y] = int(runs.size());
    const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < labels.cols;) {
      int e = x + 1;
      while (e < labels.cols && l[e] == l[x]) ++e;
      runs.push_back({y, x, e, l[x]});
      x = e;
    }
  }
  row_start[labels.rows] = int(runs.size());

  std::vector<int> parent(runs.size());
  std::iota(parent.begin(), parent.end(), 0);
  for (int y = 1; y < labels.rows; ++y) {
    // Sweep the runs of this row against those of the row above; 8-connected runs touch when
    // their column ranges overlap after widening by one.
    int q = row_start[y - 1];
    for (int r = row_start[y]; r < row_start[y + 1]; ++r) {
      while (q < row_start[y] && runs[q].end < runs[r].begin) ++q;
      for (int k = q; k < row_start[y] && runs[k].begin <= runs[r].end; ++k) {
        if (runs[k].label != runs[r].label) continue;
        const int a = find_root(parent, k), b = find_root(parent, r);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
      }
    }
  }
  std::vector<int> area(runs.size(), 0);
  for (std::size_t i = 0; i < runs.size(); ++i)
    area[find_root(parent, int(i))] += runs[i].end - runs[i].begin;

  cv::Mat mask = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const Run& run = runs[i];
    if (run.label == label::ignore || area[find_root(parent, int(i))] >= min_pixels) continue;
    std::uint8_t* m = mask.ptr<std::uint8_t>(run.row);
    std::fill(m + run.begin, m + run.end, std::uint8_t(255));
  }
  return mask;
}

void fill_from_surroundings(cv::Mat& labels, const cv::Mat& holes, int excluded_label) {
  CV_Assert(labels.type() == CV_8UC1 && holes.type() == CV_8UC1 && labels.size() == holes.size());
  cv::Mat groups;
  const int count = cv::connectedComponents(holes, groups, 4, CV_32S);
  if (count <= 1) return;
  std::vector<std::array<int, label::max_classes>> votes(count, std::array<int, label::max_classes>{});
  const int W = labels.cols, H = labels.rows;
  auto vote = [&](int group, std::uint8_t neighbour_hole, std::uint8_t neighbour_label) {
    if (!neighbour_hole && neighbour_label < label::max_classes && neighbour_label != excluded_label)
      ++votes[group][neighbour_label];
  };
  for (int y = 0; y < H; ++y) {
    const std::uint8_t* h = holes.ptr<std::uint8_t>(y);
    const int* g = groups.ptr<int>(y);
    for (int x = 0; x < W; ++x) {
      if (!h[x]) continue;
      const std::uint8_t* l = labels.ptr<std::uint8_t>(y);
      if (x > 0) vote(g[x], h[x - 1], l[x - 1]);
      if (x + 1 < W) vote(g[x], h[x + 1], l[x + 1]);
      if (y > 0) vote(g[x], holes.ptr<std::uint8_t>(y - 1)[x], labels.ptr<std::uint8_t>(y - 1)[x]);
      if (y + 1 < H) vote(g[x], holes.ptr<std::uint8_t>(y + 1)[x], labels.ptr<std::uint8_t>(y + 1)[x]);
    }
  }
  std::vector<int> winner(count, -1);
  for (int k = 1; k < count; ++k) {
    int best = 0;
    for (int c = 1; c < label::max_classes; ++c)
      if (votes[k][c] > votes[k][best]) best = c;
    if (votes[k][best] > 0) winner[k] = best;
  }
  for (int y = 0; y < H; ++y) {
    const int* g = groups.ptr<int>(y);
    std::uint8_t* l = labels.ptr<std::uint8_t>(y);
    for (int x = 0; x < W; ++x)
      if (g[x] > 0 && winner[g[x]] >= 0 && l[x] != label::ignore) l[x] = std::uint8_t(winner[g[x]]);
  }
}

}  // namespace xnet
