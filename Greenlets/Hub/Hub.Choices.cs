using Greenlets.Internal;

namespace Greenlets;

public sealed partial class Hub
{
    /// <summary>Gets or sets the chooser consulted at every choice point (see <see cref="IHubChooser"/>); null, the
    /// default, is gevent's FIFO order at no cost.</summary>
    /// <exception cref="GreenletError">Set from outside the hub's tree.</exception>
    internal IHubChooser? Chooser
    {
        get => _loop.Choices?.Chooser;
        set
        {
            CheckOwnTree("Hub.Chooser");
            _loop.Choices = value is null ? null : new HubChoices(value);
        }
    }

    /// <summary>Gets whether something outside the tree may still wake the hub: a <see cref="Wait(Task)"/> pending or a
    /// post not yet run. A virtual clock jumps to the next timer only when this is false.</summary>
    internal bool WaitsOnRealWork => _loop.WaitsOnRealWork;
}
