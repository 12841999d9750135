using Greenlets;

namespace Simulation;

/// <summary>
/// A discrete-event simulation kernel on async greenlets: every process is a greenlet, and a scheduler greenlet
/// switches to whichever process has the earliest event. A process that waits (<see cref="Hold"/>,
/// <see cref="Passivate"/>) simply switches back to the scheduler: there are no callbacks and no threads.
/// </summary>
internal sealed class Simulation
{
    private readonly PriorityQueue<AsyncGreenlet, (double Time, long Order)> _events = new();
    private readonly AsyncGreenlet _scheduler;
    private long _order;

    public Simulation(int seed)
    {
        Random = new Random(seed);
        _scheduler = new AsyncGreenlet(RunScheduler) { Name = "scheduler" };
    }

    /// <summary>Gets the simulated time, in minutes.</summary>
    public double Now { get; private set; }

    /// <summary>Gets the number of greenlet switches made so far.</summary>
    public long Switches { get; private set; }

    /// <summary>Gets the number of processes started so far.</summary>
    public long Processes { get; private set; }

    public Random Random { get; }

    /// <summary>Draws an exponentially distributed duration with the given mean.</summary>
    public double Exponential(double mean) => -mean * Math.Log(1.0 - Random.NextDouble());

    /// <summary>Starts a process now: a greenlet whose parent is the scheduler, so it returns there when it ends.</summary>
    public void Spawn(Func<ValueTask> process)
    {
        var greenlet = new AsyncGreenlet(
            async _ =>
            {
                await process();
                Switches++; // the return to the scheduler
                return null;
            },
            _scheduler);
        Processes++;
        Activate(greenlet, 0);
    }

    /// <summary>Schedules a waiting process to resume after <paramref name="delay"/>.</summary>
    public void Activate(AsyncGreenlet process, double delay) => _events.Enqueue(process, (Now + delay, _order++));

    /// <summary>Called by a process: lets <paramref name="delay"/> minutes of simulated time pass.</summary>
    public ValueTask<object?> Hold(double delay)
    {
        Activate(AsyncGreenlet.Current, delay);
        return Passivate();
    }

    /// <summary>Called by a process: waits until another process activates it.</summary>
    public ValueTask<object?> Passivate()
    {
        Switches++;
        return _scheduler.SwitchAsync();
    }

    /// <summary>Runs the simulation to the end, from synchronous code; returns the final simulated time.</summary>
    public double Run() => (double)_scheduler.SwitchAsync().AsTask().GetAwaiter().GetResult()!;

    private async ValueTask<object?> RunScheduler(object? argument)
    {
        while (_events.TryDequeue(out AsyncGreenlet? process, out (double Time, long Order) at))
        {
            Now = at.Time;
            Switches++;
            await process.SwitchAsync();
        }

        return Now;
    }
}
