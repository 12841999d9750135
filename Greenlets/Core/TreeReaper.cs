namespace Greenlets.Internal;

/// <summary>
/// Unwinds the suspended greenlets of threads that exited: each is killed with <see cref="GreenletExit"/> (its
/// <c>finally</c> blocks run) by a reaper thread that stands in for the dead thread's main greenlet, so no fiber
/// thread leaks. Exits are noticed by a low-rate check that runs only while some tree has started greenlets.
/// </summary>
internal static class TreeReaper
{
    private static readonly Lock Sync = new();
    private static readonly HashSet<TreeState> Watched = [];
    private static Timer? timer;

    /// <summary>How often watched trees are checked for an exited owner thread.</summary>
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    public static void Watch(TreeState tree)
    {
        lock (Sync)
        {
            Watched.Add(tree);
            timer ??= new Timer(static _ => Tick(), null, Period, Period);
        }
    }

    private static void Tick()
    {
        List<TreeState> exited = [];
        lock (Sync)
        {
            foreach (TreeState tree in Watched)
            {
                if (!tree.Owner.IsAlive)
                {
                    exited.Add(tree);
                }
            }

            foreach (TreeState tree in exited)
            {
                Watched.Remove(tree);
            }

            if (Watched.Count == 0)
            {
                timer?.Dispose();
                timer = null;
            }
        }

        foreach (TreeState tree in exited)
        {
            if (tree.LiveCount > 0 || tree.HasDoomed)
            {
                var reaper = new Thread(() => Unwind(tree), 256 * 1024) { IsBackground = true, Name = "Greenlet reaper" };
                reaper.UnsafeStart();
            }
        }
    }

    private static void Unwind(TreeState tree)
    {
        GreenletCore main = tree.Main.Core;
        main.RawState = GreenletState.Running;
        GreenletCore.OnThisThread = main;
        try
        {
            tree.DrainDoomed();
            foreach (GreenletCore core in tree.SnapshotLive())
            {
                if (core.RawState == GreenletState.Suspended && core.Handle is { } greenlet)
                {
                    core.KillAttempts = 1;
                    greenlet.KillCollected();
                }
            }
        }
        finally
        {
            GreenletCore.OnThisThread = null;
            main.RawState = GreenletState.Dead;
        }
    }
}
