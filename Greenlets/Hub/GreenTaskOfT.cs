namespace Greenlets;

/// <summary>A <see cref="GreenTask"/> whose body returns a <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The result type.</typeparam>
public class GreenTask<T> : GreenTask
{
    /// <summary>Creates a task for <paramref name="function"/> in the calling tree's hub; call <see cref="GreenTask.Start"/> to schedule it.</summary>
    /// <param name="function">The body.</param>
    /// <exception cref="ArgumentNullException"><paramref name="function"/> is null.</exception>
    public GreenTask(Func<T> function)
        : base(Box(function))
    {
    }

    /// <summary>Gets the result, or the default before it is ready, on failure, or after a kill.</summary>
    public new T? Value => base.Value is T value ? value : default;

    /// <summary>Waits for the task and returns its result, or rethrows its failure with the original stack trace.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <returns>The result; the default when the task was killed with <see cref="GreenletExit"/>.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed before the task finished.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="HubLoopExitException">Nothing could ever finish the task.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public new T Get(TimeSpan? timeout = null) => base.Get(timeout) is T value ? value : default!;

    /// <summary>Waits for the task and returns its result, or throws when <paramref name="cancellationToken"/> is cancelled first.</summary>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>The result.</returns>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public new T Get(CancellationToken cancellationToken) => GetChecked(null, cancellationToken) is T value ? value : default!;

    /// <summary>Waits for the task and returns its result; the timeout throws <see cref="GreenTimeoutException"/>, the
    /// token <see cref="OperationCanceledException"/>.</summary>
    /// <param name="timeout">The longest wait, or null for no limit.</param>
    /// <param name="cancellationToken">Ends the wait with <see cref="OperationCanceledException"/>; the task goes on.</param>
    /// <returns>The result.</returns>
    /// <exception cref="GreenTimeoutException">The timeout passed first.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="InvalidOperationException">Called from the hub itself, or by the task on itself.</exception>
    /// <exception cref="Exception">The task's own failure.</exception>
    public new T Get(TimeSpan? timeout, CancellationToken cancellationToken) => GetChecked(timeout, cancellationToken) is T value ? value : default!;

    /// <summary>Returns a task that completes (from any thread) with this greenlet task's result.</summary>
    /// <returns>The task; the default result after a <see cref="GreenletExit"/> kill.</returns>
    /// <remarks>See <see cref="GreenTask.AsTask"/>.</remarks>
    /// <exception cref="InvalidOperationException">Called directly by an async method on the main greenlet of the task's
    /// own tree while the task is unfinished and no <see cref="HubThread"/> runs its hub.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public new Task<T> AsTask()
    {
        if (!IsReady)
        {
            Hub.CheckAwaitable("GreenTask.AsTask");
        }

        return Convert(Completion().Task);
    }

    private static async Task<T> Convert(Task<object?> task) => await task.ConfigureAwait(false) is T value ? value : default!;

    private static Func<object?>? Box(Func<T> function) => function is null ? null : () => function();
}
