#include "collimator/collimator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "collimator/blade_refinement.hpp"
#include "collimator/line_sampling.hpp"

namespace xnet {
namespace {

constexpr int angle_bins = 360;  // 1 degree; the full-resolution refinement does the rest
constexpr double across = 2.0;   // working-scale pixels between the line and its two samples

double percentile(std::vector<float> values, double q) {
  if (values.empty()) return 0;
  const auto k = std::size_t(q * (values.size() - 1));
  std::nth_element(values.begin(), values.begin() + k, values.end());
  return values[k];
}

// The radiograph oriented open beam bright, shielded dark. Display images show the shielded
// border saturated white (dark once inverted) or, behind an electronic shutter, black: the
// pixels of `shutter` are then moved to the dark end as well.
cv::Mat oriented_image(const cv::Mat& pixels, bool open_beam_bright, const cv::Mat& shutter) {
  if (open_beam_bright) return pixels;
  cv::Mat oriented = -pixels;
  if (!shutter.empty()) {
    double highest;
    cv::minMaxLoc(pixels, nullptr, &highest);
    oriented.setTo(-highest, shutter);
  }
  return oriented;
}

// Candidate shutter of a display image: the pixels at its minimum, when there are many. Open
// beam clipped to black looks the same, so the caller checks the field it gives.
cv::Mat shutter_candidate(const cv::Mat& pixels, bool open_beam_bright) {
  if (open_beam_bright) return {};
  double lowest;
  cv::minMaxLoc(pixels, &lowest);
  cv::Mat shutter = pixels <= lowest;
  return cv::countNonZero(shutter) > 0.01 * pixels.total() ? shutter : cv::Mat();
}

// The oriented radiograph on the working scale, its robust range scaled to [0, 1]: every
// threshold below is then a fraction of that range. A raw image is linear in the dose, where
// thick anatomy in the field (a few % transmission) is nearly as dark as the shielded border:
// its logarithm (attenuation is exponential) keeps their step visible. Its floor sits a little
// below the darkest level, so an unknown detector offset and the noise in the shield stay finite.
cv::Mat working_image(const cv::Mat& oriented, const cv::Mat& probability, int working_side,
                      bool linear_in_dose) {
  const double scale = std::min(1.0, double(working_side) / std::max(oriented.cols, oriented.rows));
  const cv::Size size(std::max(8, int(std::lround(oriented.cols * scale))),
                      std::max(8, int(std::lround(oriented.rows * scale))));
  cv::Mat g;
  cv::resize(oriented, g, size, 0, 0, cv::INTER_AREA);
  std::vector<float> values(g.begin<float>(), g.end<float>());
  double lo = percentile(values, 0.01), hi = percentile(values, 0.995);
  if (linear_in_dose) {
    const double floor = percentile(values, 0.001) - 0.01 * std::max(hi - lo, 1e-12);
    cv::max(g - floor, 1e-12, g);
    cv::log(g, g);
    values.assign(g.begin<float>(), g.end<float>());
    lo = percentile(values, 0.01), hi = percentile(values, 0.995);
  }
  g = (g - lo) / std::max(hi - lo, 1e-12);
  if (!probability.empty()) {
    // The network's collimator class as a second cue: shielded = dark in both.
    cv::Mat p;
    cv::resize(probability, p, size, 0, 0, cv::INTER_LINEAR);
    g = 0.5 * g + 0.5 * (1.0 - p);
  }
  cv::GaussianBlur(g, g, cv::Size(0, 0), 1.0);
  return g;
}

// A display image back on a scale proportional to the dose, for placing the edges. Display
// values follow the logarithm of the dose, and on that scale the blade's step from open beam to
// shield (leakage plus scatter, a few % of the open beam) has its midpoint far out in the
// penumbra: the centroid of the drop lands up to a few pixels beyond the geometric edge, where
// the dose is down to half. exp(3) ~ 20 between open beam and shield stands in for the unknown
// ratio (leakage 0.5-6 % in synth/exposure.cpp, plus scatter; a display window clips part of it).
cv::Mat dose_scale(const cv::Mat& oriented) {
  constexpr double log_ratio = 3.0;
  double lo, hi;
  cv::minMaxLoc(oriented, &lo, &hi);
  cv::Mat dose;
  cv::exp((oriented - hi) * (log_ratio / std::max(hi - lo, 1e-12)), dose);
  return dose;
}

struct Candidate {
  BladeEdge line;
  double score = 0;
  double t0 = 0, t1 = 0;  // the stretch of the line that borders the field
  double shield_level = 0;  // the shielded side's ceiling, as verify_blade reads it
};

// Hough accumulator of the brightness drop across lines (theta = direction of the normal
// towards the darker side, rho = offset): a Radon-like sum of the outward derivative, voted
// only near each pixel's own gradient direction.
std::vector<Candidate> line_peaks(const cv::Mat& g, double min_score) {
  cv::Mat gx, gy;
  cv::Sobel(g, gx, CV_32F, 1, 0, 3, 1.0 / 8);
  cv::Sobel(g, gy, CV_32F, 0, 1, 3, 1.0 / 8);
  const int reach = int(std::ceil(std::hypot(g.cols, g.rows))) + 1;
  cv::Mat acc = cv::Mat::zeros(angle_bins, 2 * reach + 1, CV_32F);
  std::vector<double> cs(angle_bins), sn(angle_bins);
  for (int a = 0; a < angle_bins; ++a) cs[a] = std::cos(a * CV_PI / 180), sn[a] = std::sin(a * CV_PI / 180);
  for (int y = 0; y < g.rows; ++y) {
    for (int x = 0; x < g.cols; ++x) {
      const float dx = gx.at<float>(y, x), dy = gy.at<float>(y, x);
      const double m = std::hypot(dx, dy);
      if (m < 0.005) continue;
      const double dir = std::atan2(-dy, -dx) * 180 / CV_PI;  // towards darker
      const int centre = int(std::lround(dir));
      for (int k = -2; k <= 2; ++k) {
        const int a = ((centre + k) % angle_bins + angle_bins) % angle_bins;
        const double w = -(dx * cs[a] + dy * sn[a]);
        if (w <= 0) continue;
        const int r = int(std::lround((x + 0.5) * cs[a] + (y + 0.5) * sn[a])) + reach;
        acc.at<float>(a, r) += float(w);
      }
    }
  }
  std::vector<Candidate> peaks;
  for (int a = 0; a < angle_bins; ++a) {
    for (int r = 1; r < acc.cols - 1; ++r) {
      const float v = acc.at<float>(a, r);
      if (v < min_score) continue;
      bool is_max = true;
      for (int da = -3; da <= 3 && is_max; ++da)
        for (int dr = -3; dr <= 3 && is_max; ++dr) {
          const int aa = ((a + da) % angle_bins + angle_bins) % angle_bins, rr = r + dr;
          if (rr < 0 || rr >= acc.cols || (da == 0 && dr == 0)) continue;
          const float u = acc.at<float>(aa, rr);
          if (u > v || (u == v && (aa < a || (aa == a && rr < r)))) is_max = false;
        }
      if (is_max) peaks.push_back({{{cs[a], sn[a]}, double(r - reach)}, v});
    }
  }
  std::sort(peaks.begin(), peaks.end(), [](const Candidate& p, const Candidate& q) { return p.score > q.score; });
  if (peaks.size() > 24) peaks.resize(24);
  return peaks;
}

BladeEdge line_at(double degrees, double offset) {
  const double a = degrees * CV_PI / 180;
  return {{std::cos(a), std::sin(a)}, offset};
}

// Brightness just inside (a) and just beyond (b) the line, one sample per working pixel.
struct EdgeSamples {
  std::vector<float> inside, beyond;
  double t_begin = 0;
};

EdgeSamples edge_samples(const cv::Mat& g, const BladeEdge& line, double distance = across) {
  EdgeSamples s;
  double t0, t1;
  if (!clip_line(line, g.size(), 0.5, t0, t1)) return s;
  s.t_begin = t0;
  for (double t = t0; t <= t1; t += 1.0) {
    const cv::Point2d p = line_point(line, t);
    s.inside.push_back(sample_bilinear(g, p.x - distance * line.normal.x, p.y - distance * line.normal.y));
    s.beyond.push_back(sample_bilinear(g, p.x + distance * line.normal.x, p.y + distance * line.normal.y));
  }
  return s;
}

double edge_score(const cv::Mat& g, const BladeEdge& line) {
  const EdgeSamples s = edge_samples(g, line);
  double sum = 0;
  for (std::size_t i = 0; i < s.inside.size(); ++i) sum += std::max(0.0f, s.inside[i] - s.beyond[i]);
  return sum;
}

// Coordinate search around a Hough peak: angle to 0.25 degree, offset to 0.25 pixel.
Candidate refine_on_working_scale(const cv::Mat& g, Candidate c) {
  double degrees = std::atan2(c.line.normal.y, c.line.normal.x) * 180 / CV_PI, offset = c.line.offset;
  double best = edge_score(g, c.line);
  for (int round = 0; round < 2; ++round) {
    for (int axis = 0; axis < 2; ++axis) {
      const double d0 = degrees, o0 = offset;
      for (int k = -6; k <= 6; ++k) {
        const double d = axis == 0 ? d0 + 0.25 * k : d0, o = axis == 1 ? o0 + 0.25 * k : o0;
        const double s = edge_score(g, line_at(d, o));
        if (s > best) best = s, degrees = d, offset = o;
      }
    }
  }
  c.line = line_at(degrees, offset);
  c.score = best;
  return c;
}

// A blade: straight contrast over a long stretch bordering the field, and beyond the line
// only uniformly dark (shielded) pixels, whatever crosses the edge on the inside.
bool verify_blade(const cv::Mat& g, Candidate& c, const CollimatorDetectorOptions& options, bool linear_in_dose) {
  const EdgeSamples s = edge_samples(g, c.line);
  const int n = int(s.inside.size());
  const double min_len = options.min_edge_fraction * std::min(g.cols, g.rows);
  const int max_gap = std::max(3, int(0.03 * std::min(g.cols, g.rows)));
  // The longest stretch of contrast above threshold, bridging short gaps (dense anatomy).
  int best_begin = -1, best_end = -1, best_marked = 0;
  for (int i = 0; i < n;) {
    if (s.inside[i] - s.beyond[i] <= options.min_contrast) { ++i; continue; }
    int end = i + 1, marked = 1, gap = 0;
    for (int j = i + 1; j < n && gap <= max_gap; ++j) {
      if (s.inside[j] - s.beyond[j] > options.min_contrast) end = j + 1, ++marked, gap = 0;
      else ++gap;
    }
    if (end - i > best_end - best_begin) best_begin = i, best_end = end, best_marked = marked;
    i = end;
  }
  if (best_begin < 0 || best_end - best_begin < min_len) return false;
  if (best_marked < 0.7 * (best_end - best_begin)) return false;

  std::vector<float> beyond_levels, contrasts;
  for (int i = best_begin; i < best_end; ++i) {
    if (s.inside[i] - s.beyond[i] <= options.min_contrast) continue;
    beyond_levels.push_back(s.beyond[i]);
    contrasts.push_back(s.inside[i] - s.beyond[i]);
  }
  const double dark = percentile(beyond_levels, 0.5), contrast = percentile(contrasts, 0.5);
  // Behind a blade only leakage and scatter arrive: the shielded level lies in the darker half
  // of the image's range, unlike the far side of an anatomy edge inside the field.
  if (dark > 0.5) return false;
  const double ceiling = dark + 0.75 * contrast;

  // Shielded along the whole length: the beyond side stays dark even where the contrast fades
  // (dense anatomy on the inside, or the stretch beyond the neighbouring blades). Read a little
  // deeper than the contrast, past the penumbra and the working scale's blur, and tolerant of
  // the shield's own unevenness (scatter near the edge, a display's halo).
  const std::vector<float> deep = edge_samples(g, c.line, 2 * across).beyond;
  const auto bright_beyond = std::count_if(deep.begin(), deep.end(), [&](float b) { return b > ceiling; });
  if (bright_beyond > 0.05 * n) return false;

  std::vector<float> beyond_region;
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x)
      if (c.line.normal.dot(cv::Point2d(x + 0.5, y + 0.5)) - c.line.offset > 2 * across + 1.5)
        beyond_region.push_back(g.at<float>(y, x));
  if (beyond_region.size() >= 30 && percentile(beyond_region, 0.98) > ceiling) return false;
  // ... and flat: behind a blade leakage and scatter vary smoothly and little, while the far
  // side of an anatomy edge holds anatomy (the pectoral muscle beyond its straight edge on a
  // mammogram thickens away from it, textured). A display image clips or compresses the
  // shield; a raw one, searched on its logarithm, keeps the noise of its few counts there.
  if (!linear_in_dose && beyond_region.size() >= 30 &&
      percentile(beyond_region, 0.9) - percentile(beyond_region, 0.1) > options.max_shield_spread * contrast)
    return false;

  c.shield_level = ceiling;
  c.t0 = s.t_begin + best_begin;
  c.t1 = s.t_begin + best_end - 1;
  return true;
}

// The stretch [t_lo, t_hi] of `line` (in its own parameter, line_point) that is a side of the
// convex `field`; false when the line does not bound it.
bool field_side(const BladeEdge& line, const std::vector<cv::Point2f>& field, double& t_lo, double& t_hi) {
  t_lo = 1e18, t_hi = -1e18;
  const cv::Point2d u = line_direction(line);
  for (const cv::Point2f& p : field) {
    if (std::abs(line.normal.dot(cv::Point2d(p)) - line.offset) > 1e-2) continue;
    const double t = u.dot(cv::Point2d(p));
    t_lo = std::min(t_lo, t), t_hi = std::max(t_hi, t);
  }
  return t_hi - t_lo >= 1;
}

// How straight the shielded side ends along `blade`'s side of the field, at full resolution:
// the share of the side where the boundary of `shielded` (a point's test) lies within
// `on_line` of one straight line. A blade, or an electronic shutter (a polygon drawn on the
// image), ends on a straight line wherever the field's content meets it. A line laid against
// a curved boundary (the skin line of a breast on a dark or black background) is a tangent:
// the curve stays within the search's tolerance (`reach`, its sampling distance) over a
// stretch, close to no straight line there. Where the boundary leaves the line inwards by more
// than `reach` (dense anatomy, or open beam clipped to the shutter's black) the side says
// nothing; where the side beyond is not shielded at all, it is not bordered.
template <class Shielded>
double straight_border_share(Shielded shielded, const BladeEdge& blade, const std::vector<cv::Point2f>& field,
                             double reach) {
  constexpr double on_line = 1.5, step = 0.5;  // input pixels
  double t_lo, t_hi;
  if (!field_side(blade, field, t_lo, t_hi)) return 0;
  std::vector<cv::Point2d> boundary;  // (t, offset of the first point not shielded)
  int total = 0;
  for (double t = t_lo + 0.5; t < t_hi; t += 1.0) {
    const cv::Point2d p = line_point(blade, t);
    double d = 2 * reach;
    while (d >= -reach && shielded(p + d * blade.normal)) d -= step;
    if (d < -reach) continue;
    ++total;
    if (d < 2 * reach) boundary.push_back({t, d});
  }
  if (total == 0 || boundary.size() < 2) return 0;
  // The straight line through two of the boundary's points (an even sample of them) that
  // most of it lies on: a robust fit, as the side may hold a corner of a shutter drawn
  // at its own angle.
  const std::size_t samples = std::min<std::size_t>(boundary.size(), 48);
  std::size_t best = 0;
  for (std::size_t i = 0; i < samples; ++i)
    for (std::size_t j = i + 1; j < samples; ++j) {
      const cv::Point2d p = boundary[i * boundary.size() / samples], q = boundary[j * boundary.size() / samples];
      if (q.x - p.x < 2 * reach) continue;
      const double beta = (q.y - p.y) / (q.x - p.x);
      const auto on = std::count_if(boundary.begin(), boundary.end(), [&](const cv::Point2d& b) {
        return std::abs(b.y - p.y - beta * (b.x - p.x)) <= on_line;
      });
      best = std::max(best, std::size_t(on));
    }
  return double(best) / total;
}

constexpr std::size_t max_blades = 4;  // a collimator's two pairs of jaws

// Drops the blade with the lowest share(blade, field) of the field the blades leave together,
// and cuts the field again without it, while that share is below `min_share` or more than
// `max_count` blades are left. `line_of(blade)`: its edge.
template <class Blade, class LineOf, class Share>
void drop_weakest_blades(std::vector<Blade>& blades, cv::Size size, double min_share, std::size_t max_count,
                         LineOf line_of, Share share) {
  while (!blades.empty()) {
    std::vector<BladeEdge> lines;
    for (const Blade& b : blades) lines.push_back(line_of(b));
    const std::vector<cv::Point2f> field = clip_to_blades(size, lines);
    std::size_t worst = 0;
    double worst_share = 2;
    for (std::size_t k = 0; k < blades.size(); ++k) {
      const double s = share(blades[k], field);
      if (s < worst_share) worst_share = s, worst = k;
    }
    if (worst_share >= min_share && blades.size() <= max_count) break;
    blades.erase(blades.begin() + std::ptrdiff_t(worst));
  }
}

// A blade edge at full resolution with the ceiling of its shielded side (verify_blade).
struct ShieldedEdge {
  BladeEdge line;
  double level = 0;
};

// drop_weakest_blades by straight_border_share: many lines each touching a curve are no
// collimator. `shielded(level, point)`: the point lies on the shielded side of a blade with
// that level.
template <class Shielded>
std::vector<BladeEdge> drop_curved_sides(std::vector<ShieldedEdge> blades, cv::Size size, double reach,
                                         double min_share, Shielded shielded) {
  drop_weakest_blades(blades, size, min_share, max_blades, [](const ShieldedEdge& b) { return b.line; },
                      [&](const ShieldedEdge& b, const std::vector<cv::Point2f>& field) {
                        return straight_border_share([&](cv::Point2d p) { return shielded(b.level, p); }, b.line,
                                                     field, reach);
                      });
  std::vector<BladeEdge> lines;
  for (const ShieldedEdge& b : blades) lines.push_back(b.line);
  return lines;
}

// An electronic shutter blacks out exactly what lies beyond the blades. Black inside the field
// found is open beam clipped by the display processing; anything else beyond the blades (the
// white shielded border of an image without shutter, whose clipped open beam was taken for one)
// means the black pixels are not a shutter, and the field they leave is too small.
bool shutter_explains(const cv::Mat& shutter, const std::vector<BladeEdge>& blades) {
  const cv::Mat inside = field_mask({true, clip_to_blades(shutter.size(), blades)}, shutter.size());
  const double inside_pixels = cv::countNonZero(inside);
  if (inside_pixels == 0 || cv::countNonZero(shutter & inside) >= 0.05 * inside_pixels) return false;
  // Beyond the blades, past a band for the penumbra and the line's own error.
  cv::Mat beyond;
  cv::erode(~inside, beyond, cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
  const double beyond_pixels = cv::countNonZero(beyond);
  return cv::countNonZero(shutter & beyond) >= 0.9 * beyond_pixels;
}

// The share of the field's side on `line` (the stretch between the corners it makes with the
// other blades, or the image's edge) along which the line has a blade's contrast. A blade
// borders the field along all of its side, bar dense anatomy crossing it; the straight edge of
// something smaller (a burned-in label, a black patch over a name) borders only its own width
// while the field cut along its line spans the image. 0 when the line does not bound the field.
double bordered_share(const cv::Mat& g, const BladeEdge& line, const std::vector<cv::Point2f>& field,
                      double min_contrast) {
  double t_lo, t_hi;
  if (!field_side(line, field, t_lo, t_hi)) return 0;
  const EdgeSamples s = edge_samples(g, line);
  int marked = 0, total = 0;
  for (std::size_t i = 0; i < s.inside.size(); ++i) {
    const double t = s.t_begin + double(i);
    if (t < t_lo || t > t_hi) continue;
    ++total;
    if (s.inside[i] - s.beyond[i] > min_contrast) ++marked;
  }
  return total == 0 ? 0 : double(marked) / total;
}

double angle_between(const BladeEdge& a, const BladeEdge& b) {
  return std::acos(std::clamp(a.normal.dot(b.normal), -1.0, 1.0)) * 180 / CV_PI;
}

}  // namespace

std::vector<BladeEdge> CollimatorDetector::blades_in(const cv::Mat& oriented, bool linear_in_dose,
                                                    const cv::Mat& collimator_probability,
                                                    bool behind_shutter) const {
  const cv::Mat g = working_image(oriented, collimator_probability, options_.working_side, linear_in_dose);
  const double min_len = options_.min_edge_fraction * std::min(g.cols, g.rows);

  std::vector<Candidate> accepted;
  for (Candidate c : line_peaks(g, 0.4 * options_.min_contrast * min_len)) {
    c = refine_on_working_scale(g, c);
    if (!verify_blade(g, c, options_, linear_in_dose)) continue;
    // Two blades of a convex field never face the same way: keep the stronger.
    auto same = std::find_if(accepted.begin(), accepted.end(),
                             [&](const Candidate& a) { return angle_between(a.line, c.line) < 10; });
    if (same == accepted.end()) accepted.push_back(c);
    else if (c.score > same->score) *same = c;
  }
  // Each blade borders the field they leave together along most of its side; the worst that
  // does not is dropped, and the field is cut again without it. Behind an electronic shutter
  // the black mask itself shows the blade where dense anatomy meets it (shutter_explains).
  if (!behind_shutter)
    drop_weakest_blades(accepted, g.size(), options_.min_bordered_share, accepted.size(),
                        [](const Candidate& c) { return c.line; },
                        [&](const Candidate& c, const std::vector<cv::Point2f>& field) {
                          return bordered_share(g, c.line, field, options_.min_contrast);
                        });

  const cv::Point2d scale(double(oriented.cols) / g.cols, double(oriented.rows) / g.rows);
  const cv::Mat dose = linear_in_dose ? oriented : dose_scale(oriented);
  std::vector<ShieldedEdge> blades;
  for (const Candidate& c : accepted) {
    const cv::Point2d a = line_point(c.line, c.t0), b = line_point(c.line, c.t1);
    blades.push_back({refine_blade_edge(dose, {a.x * scale.x, a.y * scale.y},
                                        {b.x * scale.x, b.y * scale.y},
                                        {c.line.normal.x / scale.x, c.line.normal.y / scale.y},
                                        std::max(scale.x, scale.y)),
                      c.shield_level});
  }
  // Behind an electronic shutter the caller reads the black mask itself (find_blades).
  // Elsewhere the shielded side is the working image below each blade's shield ceiling (the
  // shield's level varies with what lies behind the blade, leakage through the anatomy).
  if (behind_shutter) {
    std::vector<BladeEdge> lines;
    for (const ShieldedEdge& b : blades) lines.push_back(b.line);
    return lines;
  }
  return drop_curved_sides(std::move(blades), oriented.size(), across * std::max(scale.x, scale.y),
                           options_.min_bordered_share, [&](double level, cv::Point2d p) {
                             return p.x < 0 || p.y < 0 || p.x >= oriented.cols || p.y >= oriented.rows ||
                                    sample_bilinear(g, p.x / scale.x, p.y / scale.y) <= level;
                           });
}

std::vector<BladeEdge> CollimatorDetector::find_blades(const cv::Mat& pixels, bool open_beam_bright,
                                                       const cv::Mat& collimator_probability) const {
  if (pixels.empty() || pixels.type() != CV_32FC1)
    throw Error("collimator detection: expected a non-empty CV_32F radiograph");
  if (!collimator_probability.empty() && collimator_probability.type() != CV_32FC1)
    throw Error("collimator detection: the collimator probability map must be CV_32F");
  const cv::Mat shutter = shutter_candidate(pixels, open_beam_bright);
  if (!shutter.empty()) {
    // The blade search's tolerance across a line (its samples' distance) in input pixels.
    const double reach = across * std::max(1.0, double(std::max(pixels.cols, pixels.rows)) / options_.working_side);
    std::vector<ShieldedEdge> found;
    for (const BladeEdge& b : blades_in(oriented_image(pixels, false, shutter), false, collimator_probability, true))
      found.push_back({b, 0.0});
    // Each blade's side of the field is where the shutter's black ends, straight.
    const cv::Rect image(0, 0, pixels.cols, pixels.rows);
    const std::vector<BladeEdge> blades =
        drop_curved_sides(std::move(found), pixels.size(), reach, options_.min_bordered_share, [&](double, cv::Point2d p) {
          const cv::Point q(int(std::floor(p.x)), int(std::floor(p.y)));
          return !image.contains(q) || shutter.at<std::uint8_t>(q) != 0;
        });
    if (!blades.empty() && shutter_explains(shutter, blades)) return blades;
  }
  return blades_in(oriented_image(pixels, open_beam_bright, cv::Mat()), open_beam_bright, collimator_probability,
                   false);
}

CollimatorField CollimatorDetector::detect(const cv::Mat& pixels, bool open_beam_bright,
                                           const cv::Mat& collimator_probability) const {
  const std::vector<BladeEdge> blades = find_blades(pixels, open_beam_bright, collimator_probability);
  if (blades.empty()) return whole_image_field(pixels.size());
  CollimatorField field{true, clip_to_blades(pixels.size(), blades)};
  // A field of almost nothing is a misreading (a dark image), not a collimator.
  if (field.polygon.size() < 3 || cv::contourArea(field.polygon) < 0.02 * pixels.total())
    return whole_image_field(pixels.size());
  return field;
}

cv::Mat exposed_field_mask(const CollimatorField& field, cv::Size size) {
  return field.present ? field_mask(field, size) : cv::Mat();
}

}  // namespace xnet
