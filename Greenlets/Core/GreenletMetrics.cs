using System.Diagnostics.Metrics;

namespace Greenlets.Internal;

/// <summary>
/// The <c>Greenlets</c> meter (read it with <c>dotnet-counters monitor --counters Greenlets</c>). Every instrument is
/// observable: the hot paths only bump plain counters, and nothing is computed unless a listener collects. Higher
/// layers add their own instruments to <see cref="Meter"/>.
/// </summary>
internal static class GreenletMetrics
{
    // A tree whose thread exited with nothing left to unwind switches no more: its count moves to retiredSwitches.
    private static readonly WeakRegistry<TreeState> Trees = new(
        static tree => !tree.Owner.IsAlive && tree.LiveCount == 0,
        static tree => retiredSwitches += tree.Switches);

    private static long created;
    private static long live;
    private static long retiredSwitches;

    /// <summary>Gets the meter, named <c>Greenlets</c>.</summary>
    public static Meter Meter { get; } = CreateMeter();

    public static void Created() => Interlocked.Increment(ref created);

    public static void Started() => Interlocked.Increment(ref live);

    public static void Finished() => Interlocked.Decrement(ref live);

    public static void Register(TreeState tree) => Trees.Add(tree);

    /// <summary>Gets how many trees the switch counter holds (for tests: it stays the size of what is alive).</summary>
    internal static int RegisteredTrees => Trees.Count;

    // The retired count is read and written under the registry's lock (Sum and the retire callback both run there).
    private static long Switches() => Trees.Sum(static tree => tree.Switches, static () => retiredSwitches);

    private static Meter CreateMeter()
    {
        var meter = new Meter("Greenlets", typeof(GreenletMetrics).Assembly.GetName().Version?.ToString());
        meter.CreateObservableCounter("greenlets.created", () => Volatile.Read(ref created), "{greenlet}", "Greenlets created");
        meter.CreateObservableUpDownCounter("greenlets.live", () => Volatile.Read(ref live), "{greenlet}", "Started, unfinished non-main greenlets");
        meter.CreateObservableCounter("greenlets.switches", Switches, "{switch}", "Transfers of control between greenlets");
        meter.CreateObservableUpDownCounter("greenlets.threads.pooled", () => (long)FiberPool.Shared.IdleThreads, "{thread}", "Idle fiber threads in the pool");
        meter.CreateObservableUpDownCounter("greenlets.threads.total", () => (long)FiberPool.Shared.TotalThreads, "{thread}", "Fiber threads alive, busy or pooled");
        return meter;
    }
}
