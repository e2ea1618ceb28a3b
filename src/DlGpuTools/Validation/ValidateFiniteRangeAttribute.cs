using System;
using System.Globalization;
using System.Management.Automation;

namespace DlGpuTools.Commands
{
    /// <summary>
    /// A range check for decimal parameters. PowerShell's ValidateRange with integer bounds refuses any double
    /// with a message about Int32, prints 0.5 as "The 0 argument", and lets NaN through with double bounds;
    /// this one names NaN and Infinity, prints the value as given, and says the range in the parameter's unit.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class ValidateFiniteRangeAttribute : ValidateArgumentsAttribute
    {
        public ValidateFiniteRangeAttribute(double minimum, double maximum, string? unit = null)
        {
            Minimum = minimum;
            Maximum = maximum;
            Unit = unit;
        }

        public double Minimum { get; }

        public double Maximum { get; }

        /// <summary>Said after the bounds ("US dollars", "seconds"), or nothing.</summary>
        public string? Unit { get; }

        /// <summary>
        /// Said instead of the range message when the value is 0 (for -Budget: "$800" is a PowerShell variable, empty, so 0).
        /// </summary>
        public string? ZeroMessage { get; set; }

        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
            double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (double.IsNaN(number)) throw new ValidationMetadataException("NaN is not a number: give a value from " + Range() + ".");
            if (double.IsInfinity(number)) throw new ValidationMetadataException(number.ToString(CultureInfo.InvariantCulture)
                + " is not a finite number: give a value from " + Range() + ".");
            if (number == 0 && ZeroMessage != null && Minimum > 0) throw new ValidationMetadataException(ZeroMessage);
            if (number < Minimum || number > Maximum)
                throw new ValidationMetadataException(string.Format(CultureInfo.CurrentCulture,
                    "{0} is outside the allowed range: give a value from {1}.", number.ToString("G", CultureInfo.CurrentCulture), Range()));
        }

        private string Range() =>
            string.Format(CultureInfo.CurrentCulture, "{0} to {1}{2}", Minimum.ToString("G", CultureInfo.CurrentCulture),
                Maximum.ToString("G", CultureInfo.CurrentCulture), Unit == null ? string.Empty : " " + Unit);
    }
}
