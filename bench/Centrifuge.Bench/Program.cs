using System.CommandLine;
using Centrifuge.Bench;

Centrifuge.Runtime.TorchRuntime.PrepareProcess();   // OpenMP's passive wait, as the CLI runs

// Benchmarks measure; tests assert. Each suite prints medians and ratios in Markdown, ready for docs/BENCHMARKS.md.
var root = new RootCommand("Centrifuge benchmarks: run one suite and print a Markdown table of medians and ratios.");
foreach (Command suite in Suites.All()) root.Subcommands.Add(suite);
return root.Parse(args).Invoke();
