#pragma once
// Every subcommand of `xnet`: each file cmd_NAME.cpp declares its options and calls the
// library of its stage; nothing else happens in the CLI.
#include <CLI/CLI.hpp>

namespace xnet::cli {

void add_check_command(CLI::App& app);
void add_import_labels_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_synth_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_cv_command(CLI::App& app);
void add_evaluate_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_adapt_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_baseline_command(CLI::App& app);
void add_robustness_command(CLI::App& app);
void add_serve_command(CLI::App& app);

}  // namespace xnet::cli
