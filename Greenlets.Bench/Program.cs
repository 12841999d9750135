using BenchmarkDotNet.Running;
using Greenlets.Bench.Compare;

// `--compare` runs the side-by-side workloads (see compare.sh); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--compare")
{
    CompareRunner.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CompareRunner).Assembly).Run(args);
