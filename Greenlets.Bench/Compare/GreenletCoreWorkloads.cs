using System.Diagnostics;
using System.Globalization;

namespace Greenlets.Bench.Compare;

// The twins of compare-py/greenlet_core.py: same names, same shapes, same units.

/// <summary>Two greenlets switching back and forth: ns per one-way switch.</summary>
public sealed class SwitchPingPongWorkload : ICompareWorkload
{
    private const int RoundTrips = 200_000;

    public string Name => "switch_pingpong";

    public string Unit => "ns/op";

    public double Measure()
    {
        Greenlet echo = Workloads.StartEcho();
        Workloads.PingPong(echo, RoundTrips / 4);
        double ns = Workloads.NanosecondsPer(2L * RoundTrips, () => Workloads.PingPong(echo, RoundTrips));
        Workloads.Kill(echo);
        return ns;
    }
}

/// <summary>A ring of 100 greenlets started from main passing the baton: ns per switch.</summary>
public sealed class Ring100Workload : ICompareWorkload
{
    private const int Switches = 20_000;

    public string Name => "ring100";

    public string Unit => "ns/op";

    public double Measure()
    {
        using var ring = new Workloads.Ring(100);
        ring.Run(Switches / 4);
        return Workloads.NanosecondsPer(Switches, () => ring.Run(Switches));
    }
}

/// <summary>greenlet's chain benchmark with 10,000 greenlets: ns per link (create, start, pass the value on).</summary>
public sealed class Chain10000Workload : ICompareWorkload
{
    private const int Length = 10_000;

    public string Name => "chain10000";

    public string Unit => "ns/op";

    public double Measure()
    {
        Greenlet[] links = [];
        double ns = Workloads.NanosecondsPer(Length, () => links = Workloads.Chain(Length).Links);
        foreach (Greenlet g in links)
        {
            Workloads.Kill(g);
        }

        return ns;
    }
}

/// <summary><c>greenlet(f).switch()</c> where <c>f</c> returns at once: ns per greenlet.</summary>
public sealed class CreateSwitchFinishWorkload : ICompareWorkload
{
    private const int Count = 20_000;

    public string Name => "create_switch_finish";

    public string Unit => "ns/op";

    public double Measure()
    {
        for (int i = 0; i < Count / 10; i++)
        {
            Workloads.CreateSwitchFinish();
        }

        return Workloads.NanosecondsPer(Count, static () =>
        {
            for (int i = 0; i < Count; i++)
            {
                Workloads.CreateSwitchFinish();
            }
        });
    }
}

/// <summary>Resident memory per suspended greenlet with <see cref="Count"/> of them live, each sample in a fresh process
/// (as the Python twin does): in one process, a second sample would reuse the stacks the first freed.</summary>
public abstract class MemorySuspendedWorkload : ICompareWorkload
{
    protected abstract int Count { get; }

    public string Name => $"memory_suspended_{Count}";

    public string Unit => "B/greenlet";

    public double Measure()
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Workloads).Assembly.Location);
        }

        start.ArgumentList.Add(ChildArgument);
        start.ArgumentList.Add(Count.ToString(CultureInfo.InvariantCulture));
        using Process child = Process.Start(start)!;
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return double.Parse(output, CultureInfo.InvariantCulture);
    }

    /// <summary>The command-line switch of the child process.</summary>
    public const string ChildArgument = "--memory-child";

    /// <summary>The child: starts <paramref name="count"/> suspended greenlets and prints the RSS added per greenlet.</summary>
    public static void RunChild(int count)
    {
        GC.Collect();
        long before = Workloads.ResidentBytes();
        Greenlet[] all = Workloads.Suspended(count);
        long after = Workloads.ResidentBytes();
        Console.WriteLine(((double)(after - before) / count).ToString(CultureInfo.InvariantCulture));
        GC.KeepAlive(all);
    }
}

public sealed class MemorySuspended1000Workload : MemorySuspendedWorkload
{
    protected override int Count => 1_000;
}

public sealed class MemorySuspended10000Workload : MemorySuspendedWorkload
{
    protected override int Count => 10_000;
}
