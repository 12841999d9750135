namespace Greenlets.Internal;

/// <summary>Every live hub, weakly held, so that the <c>greenlets.hub.ready</c> gauge can sum their ready queues when
/// (and only when) a metrics listener collects.</summary>
internal static class HubRegistry
{
    private static readonly WeakRegistry<Hub> Hubs = new(static hub => hub.IsDead);

    /// <summary>Gets how many hubs are held (for tests: it stays the size of what is alive).</summary>
    internal static int Count => Hubs.Count;

    public static void Add(Hub hub)
    {
        GreenletMetrics.HubReadyLength ??= ReadyLength;
        Hubs.Add(hub);
    }

    private static long ReadyLength() => Hubs.Sum(static hub => hub.IsDead ? 0 : hub.ReadyCount);
}
