using System.Runtime.CompilerServices;

namespace Greenlets.Internal;

/// <summary>Every live hub (thread and async), weakly held, and the hub layer's own instrument on the shared <c>Greenlets</c> meter: the
/// <c>greenlets.hub.ready</c> gauge sums their ready queues when (and only when) a metrics listener collects.</summary>
internal static class HubRegistry
{
    private static readonly WeakRegistry<Hub> Hubs = new(static hub => hub.IsDead);
    private static readonly WeakRegistry<AsyncHub> AsyncHubs = new(static hub => hub.IsDead);

    /// <summary>Gets how many hubs are held (for tests: it stays the size of what is alive).</summary>
    internal static int Count => Hubs.Count;

    public static void Add(Hub hub) => Hubs.Add(hub);

    public static void Add(AsyncHub hub) => AsyncHubs.Add(hub);

    /// <summary>Adds the hub's gauge to the meter when the library loads, so that it is listed with the core's
    /// instruments whether or not a hub exists yet (the core's meter knows nothing of the hub).</summary>
    [ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "The hub layer registers its instrument on the shared meter at load, as the core's are, without a hook in the core.")]
    internal static void RegisterGauge() =>
        GreenletMetrics.Meter.CreateObservableUpDownCounter("greenlets.hub.ready", ReadyLength, "{greenlet}", "Greenlets ready to run in hub queues");

    private static long ReadyLength() =>
        Hubs.Sum(static hub => hub.IsDead ? 0 : hub.ReadyCount) + AsyncHubs.Sum(static hub => hub.IsDead ? 0 : hub.ReadyCount);
}
