#include "synth/generator.hpp"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.hpp"
#include "core/labels.hpp"
#include "synth/anatomy.hpp"
#include "synth/artefacts.hpp"
#include "synth/display.hpp"
#include "synth/exposure.hpp"

namespace xnet::synth {

Polarity parse_polarity(const std::string& text) {
  if (text == "raw") return Polarity::raw;
  if (text == "display") return Polarity::display;
  if (text == "mixed") return Polarity::mixed;
  throw UsageError("--polarity must be raw, display or mixed (got '" + text + "')");
}

std::vector<std::string> assign_categories(int count, std::uint64_t seed, bool imbalance) {
  const auto& names = category_names();
  const int n = static_cast<int>(names.size());
  std::vector<int> per(n, 0);
  Random rng(seed, ~0ull);  // a stream no image index uses
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  for (int i = n - 1; i > 0; --i) std::swap(order[i], order[rng.integer(0, i)]);
  if (!imbalance || count < 2 * n) {
    for (int i = 0; i < count; ++i) ++per[imbalance ? order[i % n] : i % n];
  } else {
    // As in the original data (reference.md): several categories with a single image, the
    // others Zipf-like (weight 1/rank^1.3), rounded by largest remainder.
    const int singles = std::max(2, n / 4);
    for (int i = 0; i < singles; ++i) per[order[i]] = 1;
    const int rest = count - singles;
    double total = 0;
    std::vector<double> share(n, 0.0);
    for (int i = singles; i < n; ++i) total += share[i] = std::pow(i - singles + 1, -1.3);
    int given = 0;
    std::vector<std::pair<double, int>> remainder;
    for (int i = singles; i < n; ++i) {
      const double want = rest * share[i] / total;
      per[order[i]] = static_cast<int>(want);
      given += per[order[i]];
      remainder.push_back({want - std::floor(want), order[i]});
    }
    std::sort(remainder.begin(), remainder.end(), std::greater<>());
    for (std::size_t i = 0; given < rest; ++i, ++given) ++per[remainder[i].second];
    // At least two images where not a single one, taken from the largest category.
    for (int i = singles; i < n; ++i)
      while (per[order[i]] < 2) {
        --per[*std::max_element(order.begin(), order.end(),
                                [&](int a, int b) { return per[a] < per[b]; })];
        ++per[order[i]];
      }
  }
  std::vector<std::string> categories;
  for (int c = 0; c < n; ++c) categories.insert(categories.end(), per[c], names[c]);
  if (imbalance)  // interleave so any prefix of the dataset is mixed
    for (int i = static_cast<int>(categories.size()) - 1; i > 0; --i)
      std::swap(categories[i], categories[rng.integer(0, i)]);
  return categories;
}

cv::Mat label_map(const PathMaps& paths, const cv::Mat& field, std::uint8_t outside) {
  const cv::Mat bone = paths.bone_path(), all = paths.total_path();
  cv::Mat labels(field.size(), CV_8U);
  for (int y = 0; y < labels.rows; ++y)
    for (int x = 0; x < labels.cols; ++x) {
      std::uint8_t v = label::open_beam;
      if (!field.at<std::uint8_t>(y, x)) v = outside;
      else if (bone.at<float>(y, x) > label_path_threshold_cm) v = label::bone;
      else if (all.at<float>(y, x) > label_path_threshold_cm) v = label::soft_tissue;
      labels.at<std::uint8_t>(y, x) = v;
    }
  return labels;
}

SyntheticImage synthesize(const std::string& category, std::uint64_t seed, int index, int size,
                          Polarity polarity, bool collimator_class) {
  Random rng(seed, static_cast<std::uint64_t>(index));
  const Specimen specimen = build_specimen(category, rng);
  // Drawn at the film's own proportions, stored squeezed across (as the data sets resized
  // their scans): `squash` times as wide as what is stored.
  const cv::Size stored = image_size(specimen, size);
  const cv::Size image(static_cast<int>(std::lround(stored.width * specimen.squash)), stored.height);
  const double w = image.width, h = image.height;

  // Placement: scale from the field of view, mostly upright limbs, focus near the centre
  // (so anatomy often runs out of the image or the field).
  Placement pl;
  pl.scale = w / specimen.field_of_view_mm;
  cv::Point2d centre;
  if (specimen.chest_wall_edge != 0) {
    // Mammogram: upright, the chest wall on the detector's edge.
    pl.angle = rng.normal(0, 2);
    centre = {specimen.chest_wall_edge < 0 ? 0.0 : w, h * rng.uniform(0.42, 0.58)};
  } else if (rng.chance(specimen.upright_chance)) {
    pl.angle = rng.normal(0, 3) / std::sqrt(specimen.aspect);  // a tall film keeps the leg on it
    centre = {w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.6)};
  } else {
    pl.angle = specimen.any_rotation || rng.chance(0.25) ? rng.uniform(0, 360)
                                                         : rng.normal(0, 12) + (rng.chance(0.5) ? 180 : 0);
    if (rng.chance(0.3)) pl.angle += 90;  // landscape
    centre = {w * rng.uniform(0.35, 0.65), h * rng.uniform(0.35, 0.65)};
  }
  const double c = std::cos(pl.angle * M_PI / 180), s = std::sin(pl.angle * M_PI / 180);
  const cv::Point2d f = specimen.focus * pl.scale;
  pl.offset = centre - cv::Point2d(c * f.x - s * f.y, s * f.x + c * f.y);

  SyntheticImage out;
  out.category = category;
  const PathMaps paths = project(specimen.body, pl, image);
  out.field = random_field(rng, image, centre, specimen.collimator_chance);
  const cv::Mat field = field_mask(out.field, image);
  out.labels = label_map(paths, field, collimator_class ? label::collimator : label::ignore);

  const ExposureSettings exposure = random_exposure(specimen.exposure, rng, image.width, 1.0 / pl.scale);
  out.display = polarity == Polarity::display || (polarity == Polarity::mixed && rng.chance(0.5));
  out.pixels = expose(paths, field, exposure, rng);
  // Mammography's grid moves during the exposure (Bucky): no lines there.
  add_grid_lines(out.pixels, exposure.offset, specimen.exposure == ExposureClass::mammography ? 0.0 : 0.15, rng);
  if (specimen.stitched) stitch_cassettes(out.pixels, exposure.offset, 1.0 / pl.scale, rng);
  if (out.display) {
    const DisplayStyle style = rng.chance(specimen.film_chance) ? DisplayStyle::film : DisplayStyle::processed;
    out.pixels = render_display(out.pixels, field, exposure.offset, {style, specimen.window_margin, specimen.film_anchor}, rng);
  }
  if (image != stored) {
    cv::Mat resized;
    cv::resize(out.pixels, resized, stored, 0, 0, cv::INTER_AREA);
    resized.convertTo(resized, CV_16U);  // integers again
    resized.convertTo(out.pixels, CV_32F);
    cv::resize(out.labels, out.labels, stored, 0, 0, cv::INTER_NEAREST);
    for (cv::Point2d& p : out.field.polygon) p.x *= double(stored.width) / image.width;
  }
  if (out.display) add_workstation_marks(out.pixels, out.labels, rng);  // burned into what is stored
  return out;
}

}  // namespace xnet::synth
