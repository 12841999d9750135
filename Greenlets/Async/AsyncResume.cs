using System.Threading.Tasks.Sources;

namespace Greenlets.Internal;

/// <summary>
/// A continuation that asked for more than an inline call: its execution context, or (for a main greenlet's own
/// awaits) its synchronization context or task scheduler. Greenlets of a tree resume inline and never need one.
/// </summary>
internal sealed class AsyncResume
{
    public static readonly Action<object?> Invoke = static state => ((AsyncResume)state!).Resume();

    private static readonly ContextCallback RunInContext = static state => ((AsyncResume)state!).Continue();

    private Action<object?> _continuation = null!;
    private object? _state;
    private ExecutionContext? _context;
    private SynchronizationContext? _synchronizationContext;
    private TaskScheduler? _scheduler;

    public static AsyncResume Capture(Action<object?> continuation, object? state, ValueTaskSourceOnCompletedFlags flags, bool main)
    {
        var resume = new AsyncResume { _continuation = continuation, _state = state };
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            resume._context = ExecutionContext.Capture();
        }

        if (main && (flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0)
        {
            if (SynchronizationContext.Current is { } sc && sc.GetType() != typeof(SynchronizationContext))
            {
                resume._synchronizationContext = sc;
            }
            else if (TaskScheduler.Current != TaskScheduler.Default)
            {
                resume._scheduler = TaskScheduler.Current;
            }
        }

        return resume;
    }

    private void Resume()
    {
        if (_synchronizationContext is { } sc)
        {
            sc.Post(static state => ((AsyncResume)state!).RunInline(), this);
        }
        else if (_scheduler is { } scheduler)
        {
            _ = Task.Factory.StartNew(static state => ((AsyncResume)state!).RunInline(), this, CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler);
        }
        else
        {
            RunInline();
        }
    }

    private void RunInline()
    {
        if (_context is { } context)
        {
            ExecutionContext.Run(context, RunInContext, this);
            return;
        }

        Continue();
    }

    private void Continue() => _continuation(_state);
}
