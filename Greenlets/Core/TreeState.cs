using System.Collections.Concurrent;

namespace Greenlets.Internal;

/// <summary>One OS thread's tree of greenlets: its main greenlet, tracer, live greenlets and deferred kills.</summary>
internal sealed class TreeState
{
    private readonly HashSet<GreenletCore> _live = [];
    private readonly ConcurrentQueue<Greenlet> _doomed = new();
    private bool _draining;

    public TreeState(Thread owner)
    {
        Owner = owner;
        GreenletMetrics.Register(this);
    }

    /// <summary>Gets or sets the number of transfers of control in this tree (bumped by the one running greenlet).</summary>
    public long Switches { get; set; }

    /// <summary>Gets the OS thread whose main greenlet roots this tree.</summary>
    public Thread Owner { get; }

    /// <summary>Gets or sets the main greenlet (set once, right after construction).</summary>
    public Greenlet Main { get; set; } = null!;

    /// <summary>Gets or sets how many greenlets got a default name numbered in this tree, or -1 (the default) when default
    /// names come from the process-wide counter.</summary>
    /// <remarks>The test scheduler numbers names per run, in creation order, so that identical runs record identical events.</remarks>
    public int LocalNames { get; set; } = -1;

    /// <summary>Gets or sets the tracer of this tree.</summary>
    public GreenletTracer? Tracer { get; set; }

    /// <summary>Gets whether the owner thread has exited, as seen from outside the tree (the reaper that unwinds an
    /// exited tree runs inside it and sees its greenlets as they are).</summary>
    public bool IsExited => !Owner.IsAlive && GreenletCore.OnThisThread?.Tree != this;

    /// <summary>Gets whether suspended greenlets of this tree wait to be killed.</summary>
    public bool HasDoomed => !_doomed.IsEmpty;

    /// <summary>Gets the number of started, unfinished non-main greenlets.</summary>
    public int LiveCount
    {
        get
        {
            lock (_live)
            {
                return _live.Count;
            }
        }
    }

    public void AddLive(GreenletCore core)
    {
        bool first;
        lock (_live)
        {
            _live.Add(core);
            first = _live.Count == 1;
        }

        GreenletMetrics.Started();

        if (first)
        {
            TreeReaper.Watch(this);
        }
    }

    public void RemoveLive(GreenletCore core)
    {
        lock (_live)
        {
            _live.Remove(core);
        }

        GreenletMetrics.Finished();
    }

    public GreenletCore[] SnapshotLive()
    {
        lock (_live)
        {
            return [.. _live];
        }
    }

    /// <summary>Queues a collected suspended greenlet to be killed on this tree (greenlet's G7 deleteme list).</summary>
    public void Doom(Greenlet greenlet)
    {
        _doomed.Enqueue(greenlet);
        if (!Owner.IsAlive)
        {
            TreeReaper.Watch(this);
        }
    }

    /// <summary>Kills every queued greenlet, from the tree's current greenlet; re-entrant calls do nothing.</summary>
    public void DrainDoomed()
    {
        if (_draining)
        {
            return;
        }

        _draining = true;
        try
        {
            while (_doomed.TryDequeue(out Greenlet? doomed))
            {
                doomed.KillCollected();
            }
        }
        finally
        {
            _draining = false;
        }
    }
}
