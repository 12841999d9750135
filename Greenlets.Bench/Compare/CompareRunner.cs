using System.Globalization;

namespace Greenlets.Bench.Compare;

/// <summary>Runs every <see cref="ICompareWorkload"/> (or those named on the command line) and prints
/// <c>name&lt;TAB&gt;median&lt;TAB&gt;unit</c> lines, the median of several measurements.</summary>
public static class CompareRunner
{
    public static void Run(string[] names)
    {
        // COMPARE_REPEATS (shared with compare-py/*.py) lowers the sample count, e.g. to 1 for a smoke run.
        int repeats = int.TryParse(Environment.GetEnvironmentVariable("COMPARE_REPEATS"), out int r) && r > 0 ? r : 5;
        // COMPARE_PIN=0 turns GreenletOptions.PinFiberThreads off, to measure the default against it (pin-compare.sh).
        if (Environment.GetEnvironmentVariable("COMPARE_PIN") == "0")
        {
            GreenletOptions.PinFiberThreads = false;
        }

        var workloads = typeof(CompareRunner).Assembly.GetTypes()
            .Where(t => typeof(ICompareWorkload).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICompareWorkload)Activator.CreateInstance(t)!)
            .Where(w => names.Length == 0 || names.Contains(w.Name))
            .OrderBy(w => w.Name, StringComparer.Ordinal);
        foreach (ICompareWorkload workload in workloads)
        {
            var samples = Enumerable.Range(0, workload.MeasureOnce ? 1 : repeats).Select(_ => workload.Measure()).Order().ToArray();
            double median = samples[samples.Length / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{workload.Name}\t{median:0.###}\t{workload.Unit}"));
        }
    }
}
