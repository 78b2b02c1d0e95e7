#pragma once
// 3-D body models made of a few solids whose path length along the beam (the z axis) is
// known in closed form, and their projection into per-material path-length maps.
#include <array>
#include <variant>
#include <vector>

#include <opencv2/core.hpp>

#include "synth/materials.hpp"

namespace xnet::synth {

// A shaft lying in the detector plane from a to b (mm) with radius ra at a and rb at b,
// narrowed in the middle to `waist` times that (bones flare towards their ends), rounded
// caps, and an elliptical cross-section `depth` times as deep as it is wide.
struct Capsule {
  cv::Point2d a, b;
  double ra = 1.0, rb = 1.0;
  double waist = 1.0;
  double depth = 1.0;
};

// An ellipsoid with semi-axes (ax, ay, az) mm, turned by `angle` deg in the detector plane
// and tilted by `tilt` deg about its own x axis out of it.
struct Ellipsoid {
  cv::Point2d center;
  double ax = 1.0, ay = 1.0, az = 1.0;
  double angle = 0.0, tilt = 0.0;
};

// A flat plate of constant thickness (mm): phantom blocks, steps and foils.
struct Slab {
  cv::Point2d center;
  double half_width = 1.0, half_height = 1.0;
  double angle = 0.0;
  double thickness = 1.0;
};

// A curved tube through points in the detector plane (ribs, clavicles, vessels, ducts):
// radius and depth ratio (as Capsule's) interpolated along it. Its chord comes from the
// distance to the nearest point of the polyline, so the joints are seamless (no overlap
// of consecutive capsules' caps).
struct Tube {
  std::vector<cv::Point2d> points;
  std::vector<double> radius;  // one per point
  std::vector<double> depth;   // one per point
};

// A compressed soft body (the breast between the paddles): an ellipse of semi-axes (ax, ay)
// turned by `angle` deg, `thickness` mm thick inside it, thinning over the `rim` mm outside
// it as thickness * sqrt(1 - d / rim): the paddles compress the periphery less, so the
// thickness falls off over the outer 2-4 cm, steepest at the skin line.
struct Pad {
  cv::Point2d center;
  double ax = 1.0, ay = 1.0, angle = 0.0;
  double thickness = 1.0, rim = 1.0;
};

enum class Tissue {
  envelope,  // soft tissue; overlapping envelope pieces are one body (union, not sum)
  bone,      // cortical shell of the given thickness around cancellous bone (marrow)
  pmma,
  aluminium,
  copper,
  // Spaces inside the envelope filled with something lighter than soft tissue; what their
  // chords replace is subtracted from the envelope's soft tissue (it stays soft tissue in
  // the labels: it is inside the body).
  air,       // lungs, trachea, bowel gas: air with `tissue_fraction` of lung parenchyma
  fat,       // adipose tissue (the breast); a union like the envelope
  organ,     // soft tissue inside air or fat (heart, vessels, glandular tissue, muscle):
             // displaces air first, then fat, never adds to the envelope
  calcification,  // breast microcalcifications: attenuate like bone, labelled soft tissue
};

struct Part {
  std::variant<Capsule, Ellipsoid, Slab, Tube, Pad> shape;
  Tissue tissue = Tissue::envelope;
  double shell_mid = 0.0;  // cortical thickness (mm) at a shaft's middle, bone only
  double shell_end = 0.0;  // ... at its ends, and everywhere on an ellipsoid
  double tissue_fraction = 0.0;  // air only: share of the chord that is still tissue
};

// One object in its own frame (mm), before it is placed on the detector.
struct Body {
  std::vector<Part> parts;
};

// Where the body lies on the image: pixel = offset + scale * rotate(angle) * mm.
struct Placement {
  double scale = 1.0;  // pixels per mm
  double angle = 0.0;  // deg
  cv::Point2d offset;
};

// Path lengths in cm per pixel and material (CV_32F each, indexed by Material). Air has
// no entry: at 0.0012 g/cm^3 it attenuates nothing that matters.
struct PathMaps {
  std::array<cv::Mat, material_count> path;
  // Bone-like path (cm) along the ray: what makes a pixel bone in the labels.
  cv::Mat bone_path() const;
  // All attenuating path (cm).
  cv::Mat total_path() const;
};

PathMaps project(const Body& body, const Placement& placement, cv::Size size);

// Path length (mm) of the outer solid and of its inner (marrow) part at a point in the body
// frame: the closed forms project() evaluates, exposed so tests can check against them.
struct Chord {
  double outer = 0.0, inner = 0.0;
};
Chord chord_at(const Part& part, cv::Point2d p);

}  // namespace xnet::synth
