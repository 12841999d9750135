using System.Globalization;
using BenchmarkDotNet.Running;
using Greenlets.Bench.Compare;
using Greenlets.Bench.Soak;

// `--compare` runs the side-by-side workloads (see compare.sh); `--soak MINUTES` the soak run (soak.sh);
// anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "--compare")
{
    CompareRunner.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--soak")
{
    double minutes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
    SoakRunner.Run(TimeSpan.FromMinutes(minutes));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CompareRunner).Assembly).Run(args);
