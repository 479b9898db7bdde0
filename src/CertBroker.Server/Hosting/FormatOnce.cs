using System.Text;
using Serilog.Events;
using Serilog.Formatting;

namespace CertBroker.Server.Hosting;

/// <summary>
/// Formats each log event once for every sink that shares this formatter: the console and the file get the same
/// JSON line, and the second sink writes the text the first one made instead of formatting the event again.
/// </summary>
/// <remarks>
/// Serilog hands an event to its sinks one after the other on the thread that logged it, so the last event
/// formatted on this thread is the one the next sink asks for. Any other event is formatted afresh.
/// </remarks>
internal sealed class FormatOnce(ITextFormatter inner) : ITextFormatter
{
    private const int MaxKeptBufferChars = 16 * 1024;

    [ThreadStatic]
    private static Cache? t_cache;

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        Cache cache = t_cache ??= new Cache();
        if (!ReferenceEquals(cache.Owner, this) || !ReferenceEquals(cache.Event, logEvent))
        {
            StringBuilder text = cache.Buffer.GetStringBuilder();
            if (text.Capacity > MaxKeptBufferChars)
            {
                // One huge event (a long exception) should not pin its buffer for the thread's lifetime.
                cache.Buffer = new StringWriter(new StringBuilder(1024));
            }

            cache.Buffer.GetStringBuilder().Clear();
            inner.Format(logEvent, cache.Buffer);
            cache.Text = cache.Buffer.ToString();
            cache.Owner = this;
            cache.Event = logEvent;
        }

        output.Write(cache.Text);
    }

    private sealed class Cache
    {
        public StringWriter Buffer { get; set; } = new(new StringBuilder(1024));

        public FormatOnce? Owner { get; set; }

        public LogEvent? Event { get; set; }

        public string Text { get; set; } = "";
    }
}
