using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    private volatile bool _invokeClosed;

    /// <summary>Gets the <see cref="HubThread"/> that runs this hub, or null for a hub driven by its own thread's code.</summary>
    internal HubThread? Runner { get; set; }

    /// <summary>Runs <paramref name="action"/> as a <see cref="GreenTask"/> in this hub and completes when it finishes;
    /// callable from any thread.</summary>
    /// <param name="action">The body; it runs in this hub's tree, so it may wait cooperatively.</param>
    /// <returns>A task that completes when the body returns, faults with its exception, or is cancelled when the
    /// greenlet task is killed with <see cref="GreenletExit"/> (for instance by <see cref="HubThread.StopAsync"/>).</returns>
    /// <remarks>
    /// <para>From another thread the work is posted to the hub, which wakes at once and spawns it in FIFO order with
    /// everything else posted; from this hub's own tree it is spawned directly. The body starts with the caller's
    /// <see cref="ExecutionContext"/> (as <see cref="Task.Run(Action)"/> does).</para>
    /// <para>Something must run the hub: a <see cref="HubThread"/>, or its thread's greenlets waiting cooperatively.
    /// A hub whose thread never waits never runs the work.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The hub's <see cref="HubThread"/> is stopping or stopped (the returned
    /// task is faulted with it).</exception>
    public Task InvokeAsync(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var result = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Invoke(
            () =>
            {
                action();
                return null;
            },
            _ => result.TrySetResult(),
            e => result.TrySetException(e),
            result.TrySetCanceled);
        return result.Task;
    }

    /// <summary>Runs <paramref name="function"/> as a <see cref="GreenTask{T}"/> in this hub and returns its result;
    /// callable from any thread.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="function">The body; it runs in this hub's tree, so it may wait cooperatively.</param>
    /// <returns>A task with the body's result or exception, cancelled when the greenlet task is killed with
    /// <see cref="GreenletExit"/>.</returns>
    /// <remarks>See <see cref="InvokeAsync(Action)"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The hub's <see cref="HubThread"/> is stopping or stopped (the returned
    /// task is faulted with it).</exception>
    public Task<T> InvokeAsync<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Invoke(() => function(), value => result.TrySetResult((T)value!), e => result.TrySetException(e), result.TrySetCanceled);
        return result.Task;
    }

    /// <summary>Stops accepting <see cref="InvokeAsync(Action)"/> work: later calls fault, and work posted but not yet
    /// spawned is cancelled.</summary>
    internal void CloseInvoke() => _invokeClosed = true;

    private void Invoke(Func<object?> body, Func<object?, bool> succeed, Func<Exception, bool> fail, Func<bool> cancel)
    {
        ExecutionContext? context = ExecutionContext.Capture();
        void SpawnHere()
        {
            if (_invokeClosed)
            {
                fail(Stopped());
                return;
            }

            GreenTask task = context is null ? Create(body) : CreateIn(context, body);
            task.Completion().Task.ContinueWith(
                static (done, state) =>
                {
                    var (succeed, fail, cancel) = ((Func<object?, bool>, Func<Exception, bool>, Func<bool>))state!;
                    if (done.Exception is { } aggregate)
                    {
                        fail(aggregate.InnerException!);
                    }
                    else if (done.Result is GreenletExit)
                    {
                        cancel();
                    }
                    else
                    {
                        succeed(done.Result);
                    }
                },
                (succeed, fail, cancel),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            task.Start();
        }

        if (_invokeClosed)
        {
            fail(Stopped());
        }
        else if (GreenletCore.OnThisThread?.Tree == _tree)
        {
            SpawnHere();
        }
        else if (!TryPost(SpawnHere))
        {
            fail(Stopped());
        }
    }

    /// <summary>Throws when an async method on this hub's own main greenlet asks for a task to await while nothing else
    /// runs the hub: the await would never complete (the hub runs only while a greenlet of its tree waits).</summary>
    /// <remarks><para>Only the caller's own frame is inspected (one stack frame, when the greenlet task is unfinished): an
    /// async method's <c>MoveNext</c> calling <paramref name="member"/> directly. A synchronous caller may still wait
    /// for the task cooperatively, with <c>Hub.Wait(task.AsTask())</c> or <c>Join</c>.</para>
    /// <para>The caller is identified through <see cref="StackFrame.GetMethod"/>, which needs the method's metadata.
    /// Under JIT (trimmed or not) a method on the stack keeps it; under NativeAOT it is usually absent, GetMethod returns
    /// null and the check is skipped: the misuse then hangs as it would without the check, and nothing else changes. A
    /// name-only test (<c>DiagnosticMethodInfo</c>, .NET 9) cannot replace it, since an iterator's <c>MoveNext</c> has
    /// the same compiler-generated names as an async method's and may legitimately call AsTask then wait with
    /// <c>Hub.Wait</c>.</para></remarks>
    /// <exception cref="InvalidOperationException">The await could never complete.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "A diagnostic only: when the caller's metadata is gone GetMethod returns null and the check is skipped.")]
    internal void CheckAwaitable(string member)
    {
        if (Runner is not null || !HubBinding.IsOnTree(this) || !Greenlet.Current.IsMain)
        {
            return;
        }

        // Frame 0 is this method, 1 the member, 2 its caller.
        if (new StackFrame(2, needFileInfo: false).GetMethod() is { Name: nameof(IAsyncStateMachine.MoveNext), DeclaringType: { } type }
            && typeof(IAsyncStateMachine).IsAssignableFrom(type))
        {
            throw new InvalidOperationException(
                $"{member} was called from async code on the main greenlet of thread {_tree.Owner.ManagedThreadId}, whose hub nothing runs: " +
                "awaiting it would never complete, because a hub runs only while a greenlet of its own thread waits cooperatively. " +
                "Run the hub on a HubThread (await hubThread.InvokeAsync(...)), or wait cooperatively with Join/Get or Hub.Wait.");
        }
    }

    private static InvokedTask Create(Func<object?> body) => new(body);

    private static GreenTask CreateIn(ExecutionContext context, Func<object?> body)
    {
        GreenTask? task = null;
        ExecutionContext.Run(context, _ => task = Create(body), null);
        return task!;
    }

    private ObjectDisposedException Stopped() => new(nameof(HubThread), $"The hub thread running {this} has stopped: it takes no more work.");

    /// <summary>The greenlet task of one <see cref="InvokeAsync(Action)"/> call; its outcome goes to the returned task.</summary>
    private sealed class InvokedTask(Func<object?> body) : GreenTask(body);
}
