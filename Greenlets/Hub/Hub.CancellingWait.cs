using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    /// <summary>Starts <paramref name="operation"/> with a cancellation token and waits for it cooperatively; if the
    /// wait ends otherwise (a kill, a <see cref="GreenTimeout"/>, the hub's loop exit), the token is cancelled, so the
    /// operation is cancelled rather than abandoned.</summary>
    /// <param name="operation">Starts the .NET operation (an <c>HttpClient</c> call) with the token it must honour.</param>
    /// <remarks>The token is also cancelled when the running <see cref="GreenTask"/>'s own
    /// <see cref="GreenTask.CancellationToken"/> is. A kill returns from the wait at once, whether or not the operation
    /// honours the token; its later outcome is observed and dropped.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is null, or returned null.</exception>
    /// <exception cref="OperationCanceledException">The operation was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The operation's own exception.</exception>
    public static void Wait(Func<CancellationToken, Task> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using CancellationTokenSource cancellation = ForWait();
        Task task = operation(cancellation.Token) ?? throw new ArgumentNullException(nameof(operation), "The operation returned no task.");
        WaitCancelling(task, cancellation);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Starts <paramref name="operation"/> with a cancellation token, waits for it cooperatively and returns
    /// its result; the token is cancelled if the wait ends otherwise (see <see cref="Wait(Func{CancellationToken, Task})"/>).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="operation">Starts the .NET operation with the token it must honour.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="operation"/> is null, or returned null.</exception>
    /// <exception cref="OperationCanceledException">The operation was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The operation's own exception.</exception>
    public static T Wait<T>(Func<CancellationToken, Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using CancellationTokenSource cancellation = ForWait();
        Task<T> task = operation(cancellation.Token) ?? throw new ArgumentNullException(nameof(operation), "The operation returned no task.");
        WaitCancelling(task, cancellation);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>A token source for one wait, linked to the running task's token.</summary>
    private static CancellationTokenSource ForWait() =>
        Greenlet.Current is GreenTask task ? CancellationTokenSource.CreateLinkedTokenSource(task.CancellationToken) : new CancellationTokenSource();

    private static void WaitCancelling(Task task, CancellationTokenSource cancellation)
    {
        if (task.IsCompleted)
        {
            return;
        }

        bool completed = false;
        try
        {
            Current.WaitForTask(task);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // The wait ended by a kill, a timeout or the loop exit: cancel what the greenlet no longer waits for.
                CancelQuietly(cancellation, task);
            }
        }
    }

    /// <summary>Cancels a wait's token on the way out of an exception: a failing token callback must not replace that
    /// exception, so it is reported instead.</summary>
    private static void CancelQuietly(CancellationTokenSource cancellation, Task task)
    {
        try
        {
            cancellation.Cancel();
        }
        catch (AggregateException e)
        {
            Current.ReportError(Greenlet.Current, e);
        }

        // The outcome nobody will take: observed, so that it is not reported as unobserved.
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
