using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Greenlets.Internal;
using Rules = Greenlets.Internal.SwitchRules<Greenlets.AsyncGreenlet.Backend, Greenlets.AsyncGreenlet, Greenlets.Internal.AsyncTree>;

// The body's ValueTask is stored once (_runTask) and consumed exactly once, by Finish.
#pragma warning disable CA2012

namespace Greenlets;

/// <summary>Starting, resuming and finishing: what a trampoline step does with the greenlet it resumes.</summary>
public partial class AsyncGreenlet
{
    private static readonly ContextCallback StartInContext = static state => ((AsyncGreenlet)state!).InvokeRun();

    private ValueTask<object?> _runTask;
    // _life: Finished once the body's outcome is taken, Watched once a completion callback is registered on it.
    private const int Finished = 1;
    private const int Watched = 2;
    private int _life;

    /// <summary>Gets or sets the context captured at construction. Kept in the continuation-state slot, which a pending
    /// greenlet does not use yet: a smaller greenlet, for a million of them.</summary>
    private ExecutionContext? StartContext
    {
        get => _continuationState as ExecutionContext;
        set => _continuationState = value;
    }

    /// <summary>Runs this greenlet until it switches, waits on something else, or finishes: starts its body or resumes its switch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Step()
    {
        if (_run is not null)
        {
            Start();
        }
        else
        {
            Signal();
        }
    }

    /// <summary>
    /// Called when a step made no switch: if the body has finished, the greenlet dies and the greenlet that receives its
    /// result is returned; otherwise the greenlet waits on something that is not a switch and the tree waits with it.
    /// </summary>
    internal AsyncGreenlet? AfterStep()
    {
        if (_tree!.Main == this || _state == GreenletState.Dead || (Volatile.Read(ref _life) & Finished) != 0)
        {
            return null;
        }

        if (_runTask.IsCompleted)
        {
            return Finish();
        }

        if (_tree.Scheduler is not null && AfterForeignStep(out AsyncGreenlet? next))
        {
            // Parked on a foreign await (the baton goes to the scheduler), or the scheduler waits for work.
            return next;
        }

        WatchBody();
        return null;
    }

    /// <summary>Registers, once, the callback that sees the body finish outside any step of its tree.</summary>
    private void WatchBody()
    {
        if ((Interlocked.Or(ref _life, Watched) & Watched) == 0)
        {
            // The body now continues wherever the awaited work completes, outside any trampoline; when it finishes there,
            // the death runs a trampoline on that thread.
            _runTask.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnFinishedOutside);
        }
    }

    private void Start()
    {
        if (_error is { } error)
        {
            // The tracer threw on the way in: the greenlet dies without running its body.
            _run = null;
            StartContext = null;
            _runTask = ValueTask.FromException<object?>(error.SourceException);
            return;
        }

        ExecutionContext context = _tree!.InnerContext(StartContext);
        StartContext = null;
        if (ExecutionContext.Capture() == context)
        {
            InvokeRun();
        }
        else
        {
            ExecutionContext.Run(context, StartInContext, this);
        }
    }

    private void InvokeRun()
    {
        Func<object?, ValueTask<object?>> run = _run!;
        object? argument = _value;
        _run = null;
        _value = null;
        try
        {
            _runTask = run(argument);
        }
        catch (Exception e)
        {
            _runTask = ValueTask.FromException<object?>(e);
        }
    }

    private void OnFinishedOutside()
    {
        AsyncTree tree = _tree!;
        if (tree.FrameOnThisThread() is not null)
        {
            // Finished inside a step of its own tree: the loop sees it in AfterStep.
            return;
        }

        if (tree.Scheduler is not null && RejoinFinished())
        {
            // Finished outside while parked (an escaped continuation): the death happens in a step, through the scheduler.
            return;
        }

        if (Finish() is { } receiver)
        {
            AsyncTrampoline.Run(tree, receiver, root: null);
        }
    }

    /// <summary>Takes the body's outcome exactly once and dies with it.</summary>
    private AsyncGreenlet? Finish()
    {
        if ((Interlocked.Or(ref _life, Finished) & Finished) != 0)
        {
            return null;
        }

        object? result = null;
        ExceptionDispatchInfo? error = null;
        try
        {
            result = _runTask.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            error = ExceptionDispatchInfo.Capture(e);
        }

        return Die(result, error);
    }

    /// <summary>Marks this greenlet dead and hands its result or exception to its first live ancestor (D1-D3, E1, X1).</summary>
    private AsyncGreenlet Die(object? result, ExceptionDispatchInfo? error)
    {
        AsyncTree tree = _tree!;
        AsyncGreenlet receiver = Rules.Die(tree, this, ref result, ref error, out GreenletTraceEvent traceEvent, out AsyncGreenlet origin);
        HandOver(tree, this, origin, receiver, result, error, traceEvent, dying: true);
        return receiver;
    }
}
