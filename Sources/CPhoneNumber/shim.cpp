// libphonenumber behind a C function. PhoneNumberUtil is a process-wide singleton, built once (its metadata is
// compiled in) and safe to use from several threads: parsing and validation only read it.
#include "CPhoneNumber.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <string>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

const PhoneNumberUtil *util() {
    static const PhoneNumberUtil *const instance = PhoneNumberUtil::GetInstance();
    return instance;
}

// The grade of `number` (as the library is to read it) in `region`: 2 valid, 1 possible, 0 neither.
int grade(const std::string &number, const std::string &region) {
    PhoneNumber parsed;
    if (util()->Parse(number, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return 0;
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
std::string digitsOnly(const char *text, size_t length) {
    std::string digits;
    digits.reserve(length);
    for (size_t i = 0; i < length; i++) {
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

int pg_phone_check(const char *text, size_t length, const char *region) {
    if (text == nullptr || region == nullptr) return 0;
    return grade(std::string(text, length), region);
}

int pg_phone_is_valid(const char *text, size_t length, const char *region) {
    return pg_phone_check(text, length, region) == 2 ? 1 : 0;
}

int pg_phone_grade(const char *text, size_t length, const char *regions, size_t count, int enough, int as_written) {
    if (text == nullptr || regions == nullptr) return 0;
    std::string number = as_written ? std::string() : digitsOnly(text, length);
    if (number.empty()) number.assign(text, length);
    std::string region(2, ' ');
    int best = 0;
    for (size_t i = 0; i < count && best < enough; i++) {
        region[0] = regions[2 * i];
        region[1] = regions[2 * i + 1];
        const int found = grade(number, region);
        if (found > best) best = found;
    }
    return best;
}
