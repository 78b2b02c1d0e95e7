#include "synth/body.hpp"

#include <algorithm>
#include <cmath>

namespace xnet::synth {

namespace {

constexpr double deg = M_PI / 180.0;

double square(double v) { return v * v; }

// p in the frame of a solid centred at `center` and turned by `angle_deg` in the image plane.
cv::Point2d in_frame(cv::Point2d p, cv::Point2d center, double angle_deg) {
  const double ca = std::cos(angle_deg * deg), sa = std::sin(angle_deg * deg);
  const cv::Point2d d = p - center;
  return {ca * d.x + sa * d.y, -sa * d.x + ca * d.y};
}

// Capsule: radius profile and closest axis point.
struct CapsuleGeometry {
  const Capsule& c;
  double shell_mid, shell_end;

  Chord at(cv::Point2d p) const {
    const cv::Point2d axis = c.b - c.a;
    const double len2 = std::max(axis.dot(axis), 1e-12);
    const double t = std::clamp((p - c.a).dot(axis) / len2, 0.0, 1.0);
    const double d2 = square(p.x - c.a.x - t * axis.x) + square(p.y - c.a.y - t * axis.y);
    const double s = 2.0 * t - 1.0;
    const double flare = c.waist + (1.0 - c.waist) * s * s * s * s;
    const double r = (c.ra + (c.rb - c.ra) * t) * flare;
    if (d2 >= r * r) return {};
    const double shell = shell_end + (shell_mid - shell_end) * (1.0 - s * s);
    const double ri = std::max(r - shell, 0.0);
    return {2.0 * c.depth * std::sqrt(r * r - d2),
            d2 < ri * ri ? 2.0 * c.depth * std::sqrt(ri * ri - d2) : 0.0};
  }

  cv::Rect2d bounds() const {
    const double r = std::max(c.ra, c.rb);
    return {std::min(c.a.x, c.b.x) - r, std::min(c.a.y, c.b.y) - r,
            std::abs(c.a.x - c.b.x) + 2 * r, std::abs(c.a.y - c.b.y) + 2 * r};
  }
};

// Ellipsoid x^T A x <= 1: along a z ray the chord is 2 sqrt(B^2 - a33 C) / a33 with
// B = a13 x + a23 y and C = a11 x^2 + 2 a12 x y + a22 y^2 - 1.
struct Quadric {
  double a11, a12, a22, a13, a23, a33;
  Quadric(const Ellipsoid& e, double shrink) {
    const double ca = std::cos(e.angle * deg), sa = std::sin(e.angle * deg);
    const double ct = std::cos(e.tilt * deg), st = std::sin(e.tilt * deg);
    // R = Rz(angle) * Rx(tilt); A = R diag(1/a^2) R^T.
    const double R[3][3] = {{ca, -sa * ct, sa * st}, {sa, ca * ct, -ca * st}, {0, st, ct}};
    const double inv[3] = {1.0 / square(std::max(e.ax - shrink, 1e-6)),
                           1.0 / square(std::max(e.ay - shrink, 1e-6)),
                           1.0 / square(std::max(e.az - shrink, 1e-6))};
    auto A = [&](int i, int j) {
      double v = 0;
      for (int k = 0; k < 3; ++k) v += R[i][k] * inv[k] * R[j][k];
      return v;
    };
    a11 = A(0, 0); a12 = A(0, 1); a22 = A(1, 1); a13 = A(0, 2); a23 = A(1, 2); a33 = A(2, 2);
  }
  double chord(double x, double y) const {
    const double B = a13 * x + a23 * y;
    const double C = a11 * x * x + 2 * a12 * x * y + a22 * y * y - 1.0;
    const double disc = B * B - a33 * C;
    return disc > 0 ? 2.0 * std::sqrt(disc) / a33 : 0.0;
  }
};

struct EllipsoidGeometry {
  const Ellipsoid& e;
  Quadric outer, inner;
  bool hollow;
  EllipsoidGeometry(const Ellipsoid& e, double shell)
      : e(e), outer(e, 0.0), inner(e, shell), hollow(shell > 0) {}

  Chord at(cv::Point2d p) const {
    const double x = p.x - e.center.x, y = p.y - e.center.y;
    const double o = outer.chord(x, y);
    if (o <= 0) return {};
    return {o, hollow ? inner.chord(x, y) : o};
  }
  cv::Rect2d bounds() const {
    // Half extent along x of the ellipsoid R diag(a) u, |u| = 1: norm of R's row times a.
    const double ca = std::cos(e.angle * deg), sa = std::sin(e.angle * deg);
    const double ct = std::cos(e.tilt * deg), st = std::sin(e.tilt * deg);
    const double hx = std::sqrt(square(ca * e.ax) + square(sa * ct * e.ay) + square(sa * st * e.az));
    const double hy = std::sqrt(square(sa * e.ax) + square(ca * ct * e.ay) + square(ca * st * e.az));
    return {e.center.x - hx, e.center.y - hy, 2 * hx, 2 * hy};
  }
};

struct SlabGeometry {
  const Slab& s;
  Chord at(cv::Point2d p) const {
    const cv::Point2d local = in_frame(p, s.center, s.angle);
    if (std::abs(local.x) > s.half_width || std::abs(local.y) > s.half_height) return {};
    return {s.thickness, s.thickness};
  }
  cv::Rect2d bounds() const {
    const double ca = std::abs(std::cos(s.angle * deg)), sa = std::abs(std::sin(s.angle * deg));
    const double hx = ca * s.half_width + sa * s.half_height;
    const double hy = sa * s.half_width + ca * s.half_height;
    return {s.center.x - hx, s.center.y - hy, 2 * hx, 2 * hy};
  }
};

// Tube: the union of tapered capsules between consecutive points (max of their chords).
struct TubeGeometry {
  const Tube& t;
  double shell;

  Chord at(cv::Point2d p) const {
    Chord best;
    for (std::size_t i = 0; i + 1 < t.points.size(); ++i) {
      const cv::Point2d a = t.points[i], axis = t.points[i + 1] - a;
      const double u = std::clamp((p - a).dot(axis) / std::max(axis.dot(axis), 1e-12), 0.0, 1.0);
      const double d2 = square(p.x - a.x - u * axis.x) + square(p.y - a.y - u * axis.y);
      const double r = t.radius[i] + u * (t.radius[i + 1] - t.radius[i]);
      if (d2 >= r * r) continue;
      const double depth = t.depth[i] + u * (t.depth[i + 1] - t.depth[i]);
      const double ri = std::max(r - shell, 0.0);
      best.outer = std::max(best.outer, 2.0 * depth * std::sqrt(r * r - d2));
      if (d2 < ri * ri) best.inner = std::max(best.inner, 2.0 * depth * std::sqrt(ri * ri - d2));
    }
    return best;
  }
  cv::Rect2d bounds() const {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (std::size_t i = 0; i < t.points.size(); ++i) {
      const double r = t.radius[i];
      x0 = std::min(x0, t.points[i].x - r); x1 = std::max(x1, t.points[i].x + r);
      y0 = std::min(y0, t.points[i].y - r); y1 = std::max(y1, t.points[i].y + r);
    }
    return {x0, y0, x1 - x0, y1 - y0};
  }
};

// Pad: constant thickness inside the ellipse, a rounded rim outside it. The
// distance to the ellipse is taken to first order, (rho - 1) / |grad rho|, exact on a circle.
struct PadGeometry {
  const Pad& p;
  Chord at(cv::Point2d q) const {
    const cv::Point2d local = in_frame(q, p.center, p.angle);
    const double u = local.x, v = local.y;
    const double rho = std::sqrt(square(u / p.ax) + square(v / p.ay));
    if (rho <= 1.0) return {p.thickness, p.thickness};
    const double grad = std::hypot(u / (p.ax * p.ax), v / (p.ay * p.ay)) / rho;
    const double out = (rho - 1.0) / std::max(grad, 1e-12);
    if (out >= p.rim) return {};
    // sqrt(1 - d/rim): most of the fall-off spread over the rim, steep only at the skin line
    // (a quarter ellipse kept the full thickness to the last few mm).
    const double t = p.thickness * std::sqrt(1.0 - out / p.rim);
    return {t, t};
  }
  cv::Rect2d bounds() const {
    const double ca = std::cos(p.angle * deg), sa = std::sin(p.angle * deg);
    const double a = p.ax + p.rim, b = p.ay + p.rim;
    const double hx = std::hypot(ca * a, sa * b), hy = std::hypot(sa * a, ca * b);
    return {p.center.x - hx, p.center.y - hy, 2 * hx, 2 * hy};
  }
};

template <typename F>
auto with_geometry(const Part& part, F&& f) {
  return std::visit(
      [&](const auto& shape) {
        using T = std::decay_t<decltype(shape)>;
        if constexpr (std::is_same_v<T, Capsule>)
          return f(CapsuleGeometry{shape, part.shell_mid, part.shell_end});
        else if constexpr (std::is_same_v<T, Ellipsoid>)
          return f(EllipsoidGeometry(shape, part.tissue == Tissue::bone ? part.shell_end : 0.0));
        else if constexpr (std::is_same_v<T, Tube>)
          return f(TubeGeometry{shape, part.tissue == Tissue::bone ? part.shell_end : 0.0});
        else if constexpr (std::is_same_v<T, Pad>)
          return f(PadGeometry{shape});
        else
          return f(SlabGeometry{shape});
      },
      part.shape);
}

// Pixel box covering a body-frame rectangle after placement, clipped to the image.
cv::Rect pixel_bounds(const cv::Rect2d& r, const Placement& pl, cv::Size size) {
  const double c = std::cos(pl.angle * deg), s = std::sin(pl.angle * deg);
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const cv::Point2d q : {r.tl(), r.br(), cv::Point2d(r.x, r.y + r.height),
                              cv::Point2d(r.x + r.width, r.y)}) {
    const double x = pl.offset.x + pl.scale * (c * q.x - s * q.y);
    const double y = pl.offset.y + pl.scale * (s * q.x + c * q.y);
    x0 = std::min(x0, x); x1 = std::max(x1, x); y0 = std::min(y0, y); y1 = std::max(y1, y);
  }
  const cv::Rect box(cv::Point(static_cast<int>(std::floor(x0)), static_cast<int>(std::floor(y0))),
                     cv::Point(static_cast<int>(std::ceil(x1)) + 1, static_cast<int>(std::ceil(y1)) + 1));
  return box & cv::Rect(0, 0, size.width, size.height);
}

float& at(cv::Mat& m, int y, int x) { return m.at<float>(y, x); }

Material solid_material(Tissue t) {
  switch (t) {
    case Tissue::aluminium: return Material::aluminium;
    case Tissue::copper: return Material::copper;
    case Tissue::calcification: return Material::calcification;
    default: return Material::pmma;
  }
}

}  // namespace

Chord chord_at(const Part& part, cv::Point2d p) {
  return with_geometry(part, [&](const auto& g) { return g.at(p); });
}

PathMaps project(const Body& body, const Placement& pl, cv::Size size) {
  PathMaps maps;
  for (auto& m : maps.path) m = cv::Mat::zeros(size, CV_32F);
  cv::Mat envelope = cv::Mat::zeros(size, CV_32F);
  cv::Mat air = cv::Mat::zeros(size, CV_32F), fat = air.clone(), organ = air.clone();
  const double c = std::cos(pl.angle * deg), s = std::sin(pl.angle * deg);
  const double inv = 1.0 / pl.scale;
  constexpr double mm_to_cm = 0.1;
  auto& cortical = maps.path[static_cast<int>(Material::cortical_bone)];
  auto& marrow = maps.path[static_cast<int>(Material::marrow)];

  for (const Part& part : body.parts) {
    with_geometry(part, [&](const auto& g) {
      const cv::Rect box = pixel_bounds(g.bounds(), pl, size);
      for (int y = box.y; y < box.y + box.height; ++y) {
        for (int x = box.x; x < box.x + box.width; ++x) {
          // Pixel centre back into the body frame.
          const double dx = x + 0.5 - pl.offset.x, dy = y + 0.5 - pl.offset.y;
          const cv::Point2d p((c * dx + s * dy) * inv, (-s * dx + c * dy) * inv);
          const Chord ch = g.at(p);
          if (ch.outer <= 0) continue;
          switch (part.tissue) {
            case Tissue::envelope:
              at(envelope, y, x) = std::max(at(envelope, y, x), static_cast<float>(ch.outer * mm_to_cm));
              break;
            case Tissue::air:
              at(air, y, x) += static_cast<float>(ch.outer * (1.0 - part.tissue_fraction) * mm_to_cm);
              break;
            case Tissue::fat:
              at(fat, y, x) = std::max(at(fat, y, x), static_cast<float>(ch.outer * mm_to_cm));
              break;
            case Tissue::organ:
              at(organ, y, x) += static_cast<float>(ch.outer * mm_to_cm);
              break;
            case Tissue::bone:
              at(cortical, y, x) += static_cast<float>((ch.outer - ch.inner) * mm_to_cm);
              at(marrow, y, x) += static_cast<float>(ch.inner * mm_to_cm);
              break;
            default:
              at(maps.path[static_cast<int>(solid_material(part.tissue))], y, x) +=
                  static_cast<float>(ch.outer * mm_to_cm);
              break;
          }
        }
      }
    });
  }
  // Bone displaces the soft tissue it lies in; air and fat replace what organs inside them
  // leave over (organs fill air spaces first), never more than the body holds.
  const cv::Mat tissue = cv::max(envelope - cortical - marrow, 0.0f);
  const cv::Mat gas = cv::min(cv::Mat(cv::max(air - organ, 0.0f)), tissue);
  const cv::Mat organ_left = cv::max(organ - air, 0.0f);
  const cv::Mat adipose = cv::min(cv::Mat(cv::max(fat - organ_left, 0.0f)), cv::Mat(tissue - gas));
  maps.path[static_cast<int>(Material::soft_tissue)] = tissue - gas - adipose;
  maps.path[static_cast<int>(Material::adipose)] = adipose;
  return maps;
}

cv::Mat PathMaps::bone_path() const {
  cv::Mat sum = cv::Mat::zeros(path[0].size(), CV_32F);
  for (int m = 0; m < material_count; ++m)
    if (is_bone_like(static_cast<Material>(m))) sum += path[m];
  return sum;
}

cv::Mat PathMaps::total_path() const {
  cv::Mat sum = cv::Mat::zeros(path[0].size(), CV_32F);
  for (const auto& p : path) sum += p;
  return sum;
}

}  // namespace xnet::synth
