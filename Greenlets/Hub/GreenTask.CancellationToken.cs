using Greenlets.Internal;

namespace Greenlets;

public partial class GreenTask
{
    private TaskCancellation _cancellation;

    /// <summary>Gets a token that is cancelled when the task is killed, or when a <see cref="GreenTimeout"/> fires in it.</summary>
    /// <remarks>
    /// <para>A kill or a timeout stops the task's cooperative wait at once, but a .NET operation the task waits for
    /// (a socket read, an <c>HttpClient</c> request) would run on, abandoned. Pass this token to such operations so that
    /// they are cancelled instead; <see cref="Hub.Wait(Func{CancellationToken, Task})"/> does it for one wait.</para>
    /// <para>A token cannot be reset: once a timeout fired in the task (even one it caught), the token stays
    /// cancelled. For a token per operation, use <see cref="Hub.Wait(Func{CancellationToken, Task})"/>.</para>
    /// <para>Callable from any thread. The token's callbacks run in the hub, at the kill.</para>
    /// </remarks>
    public CancellationToken CancellationToken => _cancellation.Token(_sync);

    /// <summary>Cancels <see cref="CancellationToken"/> (a kill or a timeout is landing); a failing callback of the
    /// token is reported, and the kill goes on.</summary>
    internal void CancelToken() => _cancellation.Cancel(_sync, e => _hub.ReportError(this, e));
}
