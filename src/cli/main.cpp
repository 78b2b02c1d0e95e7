// xnet-torch: every command, with LibTorch. `xnet` (launcher.cpp) runs predict itself where
// it can and hands everything else to this program.
#include "cli/commands.hpp"
#include "cli/program.hpp"
#include "model/torch_engine.hpp"

int main(int argc, char** argv) {
  using namespace xnet::cli;
  keep_freed_memory();
  xnet::model::provide_torch_engine();
  end_program(run_program(argc, argv, [](CLI::App& app) {
    add_check_command(app);
    add_import_labels_command(app);
    add_info_command(app);
    add_synth_command(app);
    add_train_command(app);
    add_cv_command(app);
    add_evaluate_command(app);
    add_calibrate_command(app);
    add_adapt_command(app);
    add_report_command(app);
    add_predict_command(app);
    add_bench_command(app);
    add_baseline_command(app);
    add_robustness_command(app);
    add_serve_command(app);
  }));
}
