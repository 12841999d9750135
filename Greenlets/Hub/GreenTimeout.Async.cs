namespace Greenlets;

public sealed partial class GreenTimeout
{
    /// <summary>The timer of a timeout made in async greenlet code: raises the exception in the owner from the hub's
    /// own greenlet (a switch a synchronous timer callback cannot make), right after this callback.</summary>
    private void FireAsync(AsyncHub hub)
    {
        _timer = null;
        var owner = (AsyncGreenlet)_owner;
        if (owner.State != GreenletState.Suspended)
        {
            return;
        }

        HasFired = true;
        (owner as AsyncGreenTask)?.CancelToken();
        hub.RunNextAsync(async () =>
        {
            if (owner.State == GreenletState.Suspended)
            {
                await owner.ThrowAsync(_exception);
            }

            return null;
        });
    }
}
