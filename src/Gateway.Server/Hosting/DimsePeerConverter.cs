using System.ComponentModel;
using System.Globalization;

namespace Gateway.Server.Hosting;

/// <summary>Reads a Gateway:Peers entry given as one string, "AE=host:port", into its <see cref="DimsePeerOptions"/>.</summary>
internal sealed class DimsePeerConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text ? PeerList.Parse(text) : base.ConvertFrom(context, culture, value);
}
