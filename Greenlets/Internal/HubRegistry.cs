namespace Greenlets.Internal;

/// <summary>Every live hub, weakly held, so that the <c>greenlets.hub.ready</c> gauge can sum their ready queues when
/// (and only when) a metrics listener collects.</summary>
internal static class HubRegistry
{
    private static readonly Lock Sync = new();
    private static readonly List<WeakReference<Hub>> Hubs = [];

    public static void Add(Hub hub)
    {
        lock (Sync)
        {
            if (Hubs.Count == 0)
            {
                GreenletMetrics.HubReadyLength = ReadyLength;
            }

            Hubs.Add(new WeakReference<Hub>(hub));
        }
    }

    private static long ReadyLength()
    {
        lock (Sync)
        {
            long total = 0;
            for (int i = Hubs.Count - 1; i >= 0; i--)
            {
                if (Hubs[i].TryGetTarget(out Hub? hub) && !hub.IsDead)
                {
                    total += hub.ReadyCount;
                }
                else
                {
                    Hubs.RemoveAt(i);
                }
            }

            return total;
        }
    }
}
