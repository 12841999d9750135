using Greenlets.Internal;

namespace Greenlets;

public partial class Greenlet : IWaitParty
{
    /// <inheritdoc/>
    object? IWaitParty.WaitingOn
    {
        get => Core.WaitingOn;
        set => Core.WaitingOn = value;
    }
}
