using System.Globalization;
using System.Text;

namespace CertBroker.Server.Tests.Syslog;

/// <summary>An RFC 5424 message read back the way a collector would, strictly enough to catch framing mistakes.</summary>
internal sealed class ParsedSyslogMessage
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public int Priority { get; private init; }

    public string Timestamp { get; private init; } = "";

    public string Hostname { get; private init; } = "";

    public string AppName { get; private init; } = "";

    public string ProcId { get; private init; } = "";

    public string MessageId { get; private init; } = "";

    /// <summary>Null when STRUCTURED-DATA is the NILVALUE.</summary>
    public string? SdId { get; private init; }

    public List<KeyValuePair<string, string>> Parameters { get; } = [];

    /// <summary>MSG without its BOM; null when absent.</summary>
    public string? Message { get; private init; }

    public bool MessageHasBom { get; private init; }

    public string this[string name] => Parameters.Single(p => p.Key == name).Value;

    public static ParsedSyslogMessage Parse(byte[] bytes)
    {
        string text = StrictUtf8.GetString(bytes);
        var reader = new Reader(text);
        reader.Expect('<');
        int priority = int.Parse(reader.Until('>'), CultureInfo.InvariantCulture);
        reader.Expect('>');
        Assert.Equal("1", reader.Until(' '));
        reader.Expect(' ');
        string[] header = new string[5];
        for (int i = 0; i < header.Length; i++)
        {
            header[i] = reader.Until(' ');
            reader.Expect(' ');
        }

        string? sdId = null;
        var parameters = new List<KeyValuePair<string, string>>();
        if (reader.Peek() == '-')
        {
            reader.Expect('-');
        }
        else
        {
            reader.Expect('[');
            sdId = reader.UntilAny(" ]");
            while (reader.Peek() == ' ')
            {
                reader.Expect(' ');
                string name = reader.Until('=');
                reader.Expect('=');
                reader.Expect('"');
                parameters.Add(new(name, reader.QuotedValue()));
            }

            reader.Expect(']');
        }

        string? message = null;
        bool bom = false;
        if (!reader.AtEnd)
        {
            reader.Expect(' ');
            message = reader.Rest();
            bom = message.StartsWith('\uFEFF');
            message = bom ? message[1..] : message;
        }

        var parsed = new ParsedSyslogMessage
        {
            Priority = priority,
            Timestamp = header[0],
            Hostname = header[1],
            AppName = header[2],
            ProcId = header[3],
            MessageId = header[4],
            SdId = sdId,
            Message = message,
            MessageHasBom = bom,
        };
        parsed.Parameters.AddRange(parameters);
        return parsed;
    }

    private sealed class Reader(string text)
    {
        private int _position;

        public bool AtEnd => _position == text.Length;

        public char Peek() => AtEnd ? '\0' : text[_position];

        public void Expect(char c)
        {
            Assert.True(Peek() == c, $"Expected '{c}' at {_position} in: {text}");
            _position++;
        }

        public string Until(char stop) => UntilAny(stop.ToString());

        public string UntilAny(string stops)
        {
            int end = text.IndexOfAny(stops.ToCharArray(), _position);
            Assert.True(end >= 0, $"Expected one of '{stops}' after {_position} in: {text}");
            string value = text[_position..end];
            _position = end;
            return value;
        }

        /// <summary>§6.3.3: a PARAM-VALUE up to the closing quote, with \", \\ and \] unescaped.</summary>
        public string QuotedValue()
        {
            var value = new StringBuilder();
            while (true)
            {
                Assert.False(AtEnd, $"Unterminated parameter value in: {text}");
                char c = text[_position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                if (c == '\\' && Peek() is '"' or '\\' or ']')
                {
                    c = text[_position++];
                }
                else
                {
                    Assert.True(c != ']', $"Unescaped ']' in a parameter value of: {text}");
                }

                value.Append(c);
            }
        }

        public string Rest()
        {
            string rest = text[_position..];
            _position = text.Length;
            return rest;
        }
    }
}
