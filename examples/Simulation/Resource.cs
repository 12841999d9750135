using Greenlets;

namespace Simulation;

/// <summary>A pool of identical servers (bank counters); processes queue for one in FIFO order.</summary>
internal sealed class Resource(Simulation simulation, int capacity)
{
    private readonly Queue<AsyncGreenlet> _waiting = new();
    private int _free = capacity;

    /// <summary>Gets the longest queue seen.</summary>
    public int MaxQueue { get; private set; }

    /// <summary>Takes a server, waiting in line (passivated) while none is free.</summary>
    public async ValueTask Acquire()
    {
        if (_free > 0)
        {
            _free--;
            return;
        }

        _waiting.Enqueue(AsyncGreenlet.Current);
        MaxQueue = Math.Max(MaxQueue, _waiting.Count);

        // Resumed by Release, which hands its server straight to us.
        await simulation.Passivate();
    }

    /// <summary>Gives the server back, or hands it to the first process in line.</summary>
    public void Release()
    {
        if (_waiting.TryDequeue(out AsyncGreenlet? next))
        {
            simulation.Activate(next, 0);
        }
        else
        {
            _free++;
        }
    }
}
