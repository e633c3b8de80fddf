// libphonenumber behind a C function. PhoneNumberUtil is a process-wide singleton, built once (its metadata is
// compiled in) and safe to use from several threads: parsing and validation only read it.
#include "CPhoneNumber.h"
#include "compiled_metadata.h"
#include "digit_grader.h"

#include <phonenumbers/phonemetadata.pb.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>
#include <unordered_set>

using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The regions whose international dialling prefix is the pattern "00" exactly (most of Europe), read once from the
// library's metadata.
//
// For such a region the library reads digits that start with "00" and a digit other than 0 as an international
// number: it strips the "00" (ParsePrefixAsIdd), takes the country code from what follows, and from there on uses
// only that country's data, never the region's. So such digits parse to the same number in all these regions, and
// one parse answers for all of them ("001-601-344" asked in seventeen regions is one parse, not seventeen).
const std::unordered_set<std::string> &doubleZeroRegions() {
    static const std::unordered_set<std::string> *const regions = [] {
        auto *found = new std::unordered_set<std::string>();
        PhoneMetadataCollection collection;
        if (collection.ParseFromArray(i18n::phonenumbers::metadata_get(), i18n::phonenumbers::metadata_size())) {
            for (const auto &metadata : collection.metadata()) {
                if (metadata.international_prefix() == "00") found->insert(metadata.id());
            }
        }
        return found;
    }();
    return *regions;
}

const PhoneNumberUtil *util() {
    static const PhoneNumberUtil *const instance = PhoneNumberUtil::GetInstance();
    return instance;
}

// The grade of a number in `region`: 2 valid, 1 possible, 0 neither. `digits` (ASCII digits, after a '+' when
// `plus`; empty when the text has anything else) is read by `promptgate::gradeDigits` when it can; otherwise the
// library parses `written`.
int grade(const std::string &written, const std::string &digits, bool plus, const std::string &region) {
    if (!digits.empty()) {
        const int read = promptgate::gradeDigits(digits, plus, region);
        if (read >= 0) return read;
    }
    PhoneNumber parsed;
    if (util()->Parse(written, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
    if (util()->IsValidNumber(parsed)) return 2;
    return util()->IsPossibleNumber(parsed) ? 1 : 0;
}

// The ASCII digits of `text` when the library would read nothing else from it, or an empty string.
//
// Text of ASCII digits (three or more) and the separators ' ', '.', '-', '/', '(' and ')' only parses as its
// digits do: the library takes the text from its first digit to its last (ExtractPossibleNumber), finds it viable
// (three digits with punctuation between), finds no extension (each extension form needs a label, '#', ',', ';'
// or '~'), no '+' and no letters, and then normalises it to its digits before anything region-specific reads it
// (MaybeStripInternationalPrefixAndNormalize). Parsing the digits skips most of the regular expressions those
// steps run on the text as written; PhoneGradeTests compares both readings.
//
// One '+' first (`plus`) is read the same way: the library starts the possible number at it, finds it viable with
// separators and digits after it, strips it and keeps the digits that follow (MaybeStripInternationalPrefixAndNormalize
// again, FROM_NUMBER_WITH_PLUS_SIGN).
std::string digitsOnly(const char *text, size_t length, bool &plus) {
    std::string digits;
    digits.reserve(length);
    plus = length > 0 && text[0] == '+';
    for (size_t i = plus ? 1 : 0; i < length; i++) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (c != ' ' && c != '.' && c != '-' && c != '/' && c != '(' && c != ')') {
            return std::string();
        }
    }
    return digits.size() >= 3 ? digits : std::string();
}

}  // namespace

int pg_phone_grade(const char *text, size_t length, const char *regions, size_t count, int enough, int as_written) {
    if (text == nullptr || regions == nullptr) return 0;
    bool plus = false;
    const std::string digits = as_written ? std::string() : digitsOnly(text, length, plus);
    // The library reads digits alone as it reads them written with separators; after a '+', the text as written.
    const std::string written = digits.empty() || plus ? std::string(text, length) : digits;
    // Digits "00" and another digit: one grade for every region whose international prefix is "00".
    const bool international = !plus && digits.size() > 2 && digits[0] == '0' && digits[1] == '0' && digits[2] != '0';
    int doubleZero = -1;
    std::string region(2, ' ');
    int best = 0;
    for (size_t i = 0; i < count && best < enough; i++) {
        region[0] = regions[2 * i];
        region[1] = regions[2 * i + 1];
        int found;
        if (international && doubleZeroRegions().count(region) != 0) {
            if (doubleZero < 0) doubleZero = grade(written, digits, plus, region);
            found = doubleZero;
        } else {
            found = grade(written, digits, plus, region);
        }
        if (found > best) best = found;
    }
    return best;
}
