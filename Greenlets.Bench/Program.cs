using System.Globalization;
using BenchmarkDotNet.Running;
using Greenlets.Bench;
using Greenlets.Bench.Compare;
using Greenlets.Bench.Soak;

// `--compare` runs the side-by-side workloads (see compare.sh); `--soak MINUTES` the soak run (soak.sh);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--compare")
{
    CompareRunner.Run(args[1..]);
    return;
}

if (args.Length == 2 && args[0] == MemorySuspendedWorkload.ChildArgument)
{
    MemorySuspendedWorkload.RunChild(int.Parse(args[1], CultureInfo.InvariantCulture));
    return;
}

if (args.Length > 0 && args[0] == "--soak")
{
    double minutes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
    SoakRunner.Run(TimeSpan.FromMinutes(minutes));
    return;
}

if (!args.Contains("--benchmarkId"))
{
    // A new run (not one of BenchmarkDotNet's child processes): forget the RSS samples of earlier runs.
    File.Delete(MemoryBenchmarks.RssColumn.FilePath);
}

BenchmarkSwitcher.FromAssembly(typeof(CompareRunner).Assembly).Run(args);
