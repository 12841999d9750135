using Greenlets.Internal;

namespace Greenlets;

/// <summary>The <see cref="CancellationToken"/> overloads of the hub's waits.</summary>
/// <remarks>Every token overload of the hub layer follows one rule, kept in the wait core (<c>HubWaiter.Park</c>): a
/// token cancelled before the call throws <see cref="OperationCanceledException"/> before anything changes; a token
/// cancelled during the wait (from any thread) ends it with <see cref="OperationCanceledException"/> carrying that
/// token, as .NET's own waits do. A timeout keeps its own outcome (false or <see cref="GreenTimeoutException"/>), so a
/// caller can tell the two apart. A wait with a cancellable token keeps the hub alive (its cancellation comes from
/// outside the tree), as a wait on a pending <see cref="Task"/> does: the main greenlet gets no
/// <see cref="HubLoopExitException"/> and <see cref="WaitAll"/> waits while such a wait could still be cancelled.</remarks>
public sealed partial class Hub
{
    /// <summary>Waits cooperatively for <paramref name="delay"/>, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="delay">How long to wait; see <see cref="Sleep(TimeSpan)"/>.</param>
    /// <param name="cancellationToken">Ends the sleep early with <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before or during the sleep.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    public static void Sleep(TimeSpan delay, CancellationToken cancellationToken) => SleepCore(delay, cancellationToken);

    /// <summary>Waits cooperatively for <paramref name="task"/>, or until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="task">Any .NET task; see <see cref="Wait(Task)"/>.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task itself
    /// goes on (pass the token to the operation too to stop it), and a failure it ends with later is observed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first, or the task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception.</exception>
    public static void Wait(Task task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        if (!task.IsCompleted)
        {
            Current.WaitForTask(task, cancellationToken);
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>Waits cooperatively for <paramref name="task"/> and returns its result, or throws when
    /// <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">Any .NET task.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>The task's result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="task"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first, or the task was cancelled.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself (a callback).</exception>
    /// <exception cref="Exception">The task's own exception.</exception>
    public static T Wait<T>(Task<T> task, CancellationToken cancellationToken)
    {
        Wait((Task)task, cancellationToken);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Waits until every task finishes (<see cref="JoinAll(IEnumerable{GreenTask}, TimeSpan?, bool)"/>), or
    /// until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the tasks go on.</param>
    /// <returns>True (all finished).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before every task finished.</exception>
    /// <exception cref="GreenletError">A task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    public static bool JoinAll(IEnumerable<GreenTask> tasks, CancellationToken cancellationToken) => JoinAllCore(tasks, null, throwOnError: false, cancellationToken);

    /// <summary>Waits until every task finishes, the timeout passes (false) or <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="tasks">The tasks.</param>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="throwOnError">Whether to rethrow the first failure at once.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the tasks go on.</param>
    /// <returns>True when all finished; false when the timeout passed first.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled before every task finished.</exception>
    /// <exception cref="GreenletError">A task belongs to another thread's hub.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself.</exception>
    /// <exception cref="Exception">With <paramref name="throwOnError"/>, the first failure.</exception>
    public static bool JoinAll(IEnumerable<GreenTask> tasks, TimeSpan? timeout, bool throwOnError, CancellationToken cancellationToken) =>
        JoinAllCore(tasks, HubTimeouts.Check(timeout, nameof(timeout)), throwOnError, cancellationToken);
}
