#include "cli/sluice_cli.h"

int main(int argc, char** argv) { return sluice::cli::RunSluiceCli(argc, argv); }
