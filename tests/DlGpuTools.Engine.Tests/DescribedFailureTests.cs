using System;
using System.Linq;
using DlGpuTools.Diagnostics;
using DlGpuTools.Errors;
using DlGpuTools.Recommendations;
using Xunit;

namespace DlGpuTools.Engine.Tests
{
    public class DescribedFailureTests
    {
        [Fact]
        public void Every_self_describing_engine_exception_is_sealed_and_classified_as_it_describes_itself()
        {
            Type[] described = typeof(DlGpuToolsException).Assembly.GetTypes()
                .Where(t => typeof(DlGpuToolsException).IsAssignableFrom(t) && !t.IsAbstract).ToArray();
            Assert.Contains(typeof(RecommendationInputException), described);
            Assert.True(described.Length >= 3, string.Join(", ", described.Select(t => t.Name)));
            Assert.All(described, t => Assert.True(t.IsSealed, t.Name + " should be sealed: its id and remedy are its own"));

            var input = new RecommendationInputException("Full training in INT4 is not estimated.", "Train in BF16.");
            Failure? failure = FailureClassifier.Classify(input, false, _ => null);
            Assert.NotNull(failure);
            Assert.Equal("InvalidModel", failure!.ErrorId);
            Assert.Equal(FailureCategory.InvalidArgument, failure.Category);
            Assert.Equal("Train in BF16.", failure.RecommendedAction);
        }

        [Fact]
        public void A_plain_ArgumentException_from_the_engine_is_not_taken_for_the_users_mistake()
        {
            // A bug inside the engine (an int.Parse(null)) must stay a bug, not read as "InvalidModel: Value cannot be null".
            Assert.Null(FailureClassifier.Classify(new ArgumentNullException("s"), false, _ => null));
            Assert.Null(FailureClassifier.Classify(new ArgumentOutOfRangeException("precision"), false, _ => null));
        }

        [Theory]
        [InlineData(0.0)]
        [InlineData(-7e9)]
        public void A_parameter_count_that_is_not_positive_is_the_users_to_change(double parameters)
        {
            var e = Assert.Throws<RecommendationInputException>(() => ModelShape.ForParameters(parameters, null));
            Assert.Equal(ErrorCatalogue.InvalidModel.Id, e.ErrorId);
        }
    }
}
