using System.Collections.Concurrent;
using Greenlets.Internal;

namespace Greenlets.Tests;

/// <summary>
/// The smallest scheduler on the Async layer's seam: a FIFO round-robin greenlet. Ready greenlets run first, then
/// actions queued for the scheduler's own step, then the foreign continuations the tree hands it; when nothing is left
/// it waits for work, and when <see cref="IsDone"/> holds it returns to its parent (the test's main greenlet).
/// </summary>
internal sealed class RoundRobinScheduler : IAsyncTreeScheduler
{
    private readonly ConcurrentQueue<AsyncForeignContinuation> _posted = new();
    private readonly Queue<AsyncGreenlet> _ready = new();
    private readonly Queue<Func<ValueTask>> _actions = new();
    private readonly List<AsyncGreenlet> _spawned = [];
    private int _resumes;
    private int _postedCount;

    /// <summary>Creates the scheduler's greenlet (a child of the caller's main) and attaches it to the caller's tree.</summary>
    public RoundRobinScheduler()
    {
        Greenlet = new AsyncGreenlet(RunAsync) { Name = "scheduler" };
        Link = AsyncSchedulerLink.Attach(this);
        IsDone = () => _spawned.TrueForAll(g => g.IsDead) && _posted.IsEmpty;
    }

    public AsyncGreenlet Greenlet { get; }

    public AsyncSchedulerLink Link { get; }

    /// <summary>Gets or sets when the loop ends: by default, every spawned greenlet dead and nothing posted.</summary>
    public Func<bool> IsDone { get; set; }

    /// <summary>Gets the values the scheduler received (greenlet results), other than the parked marker.</summary>
    public List<object?> Received { get; } = [];

    /// <summary>Gets the exceptions raised in the scheduler (greenlet failures) and reported to it.</summary>
    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>Gets how many times a greenlet parked and the baton came to the scheduler.</summary>
    public int Parks { get; private set; }

    /// <summary>Gets how many resumed continuations were strays: they ran inline in the scheduler's step because their
    /// greenlet was not parked on them (a spurious post shows up here).</summary>
    public int Strays { get; private set; }

    /// <summary>Gets how many continuations the tree handed to the scheduler.</summary>
    public int Posted => Volatile.Read(ref _postedCount);

    /// <summary>Gets how many foreign continuations the scheduler resumed.</summary>
    public int Resumes => Volatile.Read(ref _resumes);

    /// <summary>Runs <paramref name="setup"/> and then the scheduler, in a fresh flow, until it is done.</summary>
    public static void Run(Action<RoundRobinScheduler> setup, Action<RoundRobinScheduler>? check = null) => AsyncTestFlow.Run(async () =>
    {
        var scheduler = new RoundRobinScheduler();
        setup(scheduler);
        await scheduler.Greenlet.SwitchAsync();
        Assert.True(scheduler.Greenlet.IsDead);
        check?.Invoke(scheduler);
    });

    /// <summary>Creates a greenlet whose parent is the scheduler and queues its start.</summary>
    public AsyncGreenlet Spawn(string name, Func<ValueTask> body)
    {
        var greenlet = new AsyncGreenlet(
            async _ =>
            {
                await body();
                return name;
            },
            Greenlet)
        { Name = name };
        _spawned.Add(greenlet);
        _ready.Enqueue(greenlet);
        return greenlet;
    }

    /// <summary>Tracks <paramref name="greenlet"/> (whose parent should be the scheduler) and queues its start.</summary>
    public AsyncGreenlet Add(AsyncGreenlet greenlet)
    {
        _spawned.Add(greenlet);
        _ready.Enqueue(greenlet);
        return greenlet;
    }

    /// <summary>Queues <paramref name="action"/> to run in the scheduler's own step (where a kill is made). Call on the baton.</summary>
    public void InScheduler(Func<ValueTask> action) => _actions.Enqueue(action);

    public void Enqueue(AsyncForeignContinuation continuation)
    {
        Interlocked.Increment(ref _postedCount);
        _posted.Enqueue(continuation);
    }

    public void ReportError(AsyncGreenlet greenlet, Exception error) => Errors.Enqueue(error);

    private async ValueTask<object?> RunAsync(object? argument)
    {
        while (true)
        {
            try
            {
                if (_ready.TryDequeue(out AsyncGreenlet? greenlet))
                {
                    Note(await greenlet.SwitchAsync());
                }
                else if (_actions.TryDequeue(out Func<ValueTask>? action))
                {
                    await action();
                }
                else if (_posted.TryDequeue(out AsyncForeignContinuation? continuation))
                {
                    Interlocked.Increment(ref _resumes);
                    ValueTask<object?> resume = continuation.ResumeAsync();
                    if (resume.IsCompleted)
                    {
                        // Only a stray completes at once: a parked greenlet's resume is a baton transfer.
                        Strays++;
                    }

                    Note(await resume);
                }
                else if (IsDone())
                {
                    return null;
                }
                else
                {
                    await Link.WaitForWorkAsync();
                }
            }
            catch (Exception e)
            {
                // A greenlet's failure, raised in its parent (this scheduler): keep it for the test.
                Errors.Enqueue(e);
            }
        }
    }

    private void Note(object? value)
    {
        if (value == AsyncSchedulerLink.Parked)
        {
            Parks++;
        }
        else
        {
            Received.Add(value);
        }
    }
}
