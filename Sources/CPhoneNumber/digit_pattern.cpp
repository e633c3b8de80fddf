// A position automaton (Glushkov) for the metadata's number patterns: see digit_pattern.h.
#include "digit_pattern.h"

#include <algorithm>

namespace promptgate {

// Parses a pattern and builds its automaton: each digit class written becomes a position; a group repeated `{n,m}`
// is built n times and then m - n times optional, fresh positions each time (the same language).
class DigitPatternBuilder {
public:
    explicit DigitPatternBuilder(const std::string &pattern) : text_(pattern) {}

    std::unique_ptr<DigitPattern> build() {
        Node root;
        if (!parseAlternation(root) || at_ != text_.size()) return nullptr;
        const Fragment whole = emit(root);
        // Far more positions than any metadata pattern has: a pattern this large stays with ICU.
        if (accepts_.size() > 4096) return nullptr;
        std::unique_ptr<DigitPattern> pattern(new DigitPattern());
        const size_t positions = accepts_.size();
        const size_t words = (positions + 63) / 64;
        pattern->positions_ = positions;
        pattern->words_ = words;
        pattern->nullable_ = whole.nullable;
        pattern->accepts_ = accepts_;
        pattern->first_.assign(words, 0);
        pattern->last_.assign(words, 0);
        pattern->follow_.assign(positions * words, 0);
        pattern->byDigit_.assign(10 * words, 0);
        for (int p : whole.first) pattern->first_[p / 64] |= uint64_t{1} << (p % 64);
        for (int p : whole.last) pattern->last_[p / 64] |= uint64_t{1} << (p % 64);
        for (size_t p = 0; p < positions; p++) {
            for (int q : follow_[p]) pattern->follow_[p * words + q / 64] |= uint64_t{1} << (q % 64);
            for (int digit = 0; digit < 10; digit++) {
                if (accepts_[p] & (1u << digit)) pattern->byDigit_[digit * words + p / 64] |= uint64_t{1} << (p % 64);
            }
        }
        return pattern;
    }

private:
    // The parsed pattern: a class of digits, a sequence, an alternation, or a node repeated min to max times.
    struct Node {
        enum Kind { digits, sequence, alternation, repeat } kind = sequence;
        uint16_t accepts = 0;
        std::vector<Node> children;
        int min = 1;
        int max = 1;
    };

    // The positions a fragment can start and end with, and whether it matches the empty text.
    struct Fragment {
        std::vector<int> first;
        std::vector<int> last;
        bool nullable = true;
    };

    bool more() const { return at_ < text_.size(); }
    char peek() const { return text_[at_]; }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    bool parseAlternation(Node &node) {
        node.kind = Node::alternation;
        for (;;) {
            Node branch;
            if (!parseSequence(branch)) return false;
            node.children.push_back(std::move(branch));
            if (!more() || peek() != '|') return true;
            at_++;
        }
    }

    bool parseSequence(Node &node) {
        node.kind = Node::sequence;
        while (more() && peek() != '|' && peek() != ')') {
            Node item;
            if (!parseAtom(item) || !parseQuantifier(item)) return false;
            node.children.push_back(std::move(item));
        }
        return true;
    }

    bool parseAtom(Node &node) {
        const char c = peek();
        if (isDigit(c)) {
            at_++;
            node.kind = Node::digits;
            node.accepts = static_cast<uint16_t>(1u << (c - '0'));
            return true;
        }
        if (c == '\\') {
            if (at_ + 1 >= text_.size() || text_[at_ + 1] != 'd') return false;
            at_ += 2;
            node.kind = Node::digits;
            node.accepts = 0x3FF;
            return true;
        }
        if (c == '[') return parseClass(node);
        if (c == '(') {
            if (text_.compare(at_, 3, "(?:") != 0) return false;  // capturing groups and other forms: ICU
            at_ += 3;
            if (!parseAlternation(node) || !more() || peek() != ')') return false;
            at_++;
            return true;
        }
        return false;
    }

    // `[…]`: digits, ranges of digits and `\d`, optionally negated (within the digits, all the input has).
    bool parseClass(Node &node) {
        at_++;
        bool negated = false;
        if (more() && peek() == '^') {
            negated = true;
            at_++;
        }
        uint16_t accepts = 0;
        bool any = false;
        while (more() && peek() != ']') {
            if (peek() == '\\') {
                if (at_ + 1 >= text_.size() || text_[at_ + 1] != 'd') return false;
                accepts = 0x3FF;
                at_ += 2;
            } else if (isDigit(peek())) {
                const int low = peek() - '0';
                at_++;
                int high = low;
                if (more() && peek() == '-' && at_ + 1 < text_.size() && isDigit(text_[at_ + 1])) {
                    high = text_[at_ + 1] - '0';
                    at_ += 2;
                    if (high < low) return false;
                }
                for (int d = low; d <= high; d++) accepts |= static_cast<uint16_t>(1u << d);
            } else {
                return false;
            }
            any = true;
        }
        if (!more() || !any) return false;
        at_++;
        node.kind = Node::digits;
        node.accepts = negated ? static_cast<uint16_t>(~accepts & 0x3FF) : accepts;
        return true;
    }

    bool parseNumber(int &value) {
        if (!more() || !isDigit(peek())) return false;
        value = 0;
        while (more() && isDigit(peek())) {
            value = value * 10 + (peek() - '0');
            if (value > 100) return false;
            at_++;
        }
        return true;
    }

    // `?`, `{n}` or `{n,m}`, then an optional `?` (lazy: the same language). Any other quantifier: ICU.
    bool parseQuantifier(Node &node) {
        if (!more()) return true;
        int min = 1;
        int max = 1;
        if (peek() == '?') {
            at_++;
            min = 0;
        } else if (peek() == '{') {
            at_++;
            if (!parseNumber(min)) return false;
            max = min;
            if (more() && peek() == ',') {
                at_++;
                if (!parseNumber(max) || max < min) return false;
            }
            if (!more() || peek() != '}') return false;
            at_++;
        } else if (peek() == '*' || peek() == '+') {
            return false;
        } else {
            return true;
        }
        if (more() && peek() == '?') at_++;
        if (more() && (peek() == '?' || peek() == '*' || peek() == '+' || peek() == '{')) return false;
        Node repeated;
        repeated.kind = Node::repeat;
        repeated.min = min;
        repeated.max = max;
        repeated.children.push_back(std::move(node));
        node = std::move(repeated);
        return true;
    }

    // The fragment of `node`, with fresh positions.
    Fragment emit(const Node &node) {
        switch (node.kind) {
        case Node::digits: {
            const int position = static_cast<int>(accepts_.size());
            accepts_.push_back(node.accepts);
            follow_.emplace_back();
            Fragment fragment;
            fragment.first = {position};
            fragment.last = {position};
            fragment.nullable = false;
            return fragment;
        }
        case Node::alternation: {
            Fragment fragment;
            fragment.nullable = false;
            for (const Node &child : node.children) {
                Fragment branch = emit(child);
                fragment.first.insert(fragment.first.end(), branch.first.begin(), branch.first.end());
                fragment.last.insert(fragment.last.end(), branch.last.begin(), branch.last.end());
                fragment.nullable = fragment.nullable || branch.nullable;
            }
            return fragment;
        }
        case Node::sequence: {
            Fragment fragment;  // the empty text
            for (const Node &child : node.children) fragment = concatenate(std::move(fragment), emit(child));
            return fragment;
        }
        case Node::repeat: {
            Fragment fragment;
            for (int i = 0; i < node.max; i++) {
                Fragment copy = emit(node.children.front());
                if (i >= node.min) copy.nullable = true;
                fragment = concatenate(std::move(fragment), std::move(copy));
            }
            return fragment;
        }
        }
        return Fragment();
    }

    Fragment concatenate(Fragment a, Fragment b) {
        for (int p : a.last) follow_[p].insert(follow_[p].end(), b.first.begin(), b.first.end());
        Fragment joined;
        joined.first = a.first;
        if (a.nullable) joined.first.insert(joined.first.end(), b.first.begin(), b.first.end());
        joined.last = b.last;
        if (b.nullable) joined.last.insert(joined.last.end(), a.last.begin(), a.last.end());
        joined.nullable = a.nullable && b.nullable;
        return joined;
    }

    const std::string &text_;
    size_t at_ = 0;
    std::vector<uint16_t> accepts_;
    std::vector<std::vector<int>> follow_;
};

std::unique_ptr<DigitPattern> DigitPattern::compile(const std::string &pattern) {
    return DigitPatternBuilder(pattern).build();
}

bool DigitPattern::step(const uint64_t *state, int digit, uint64_t *next) const {
    std::fill(next, next + words_, 0);
    for (size_t w = 0; w < words_; w++) {
        uint64_t bits = state[w];
        while (bits != 0) {
            const size_t p = w * 64 + static_cast<size_t>(__builtin_ctzll(bits));
            bits &= bits - 1;
            const uint64_t *follow = &follow_[p * words_];
            for (size_t v = 0; v < words_; v++) next[v] |= follow[v];
        }
    }
    const uint64_t *accepting = &byDigit_[static_cast<size_t>(digit) * words_];
    uint64_t any = 0;
    for (size_t v = 0; v < words_; v++) {
        next[v] &= accepting[v];
        any |= next[v];
    }
    return any != 0;
}

namespace {
// Scratch bitsets for a match: on the stack for the patterns of the metadata (at most a few hundred positions).
struct Scratch {
    explicit Scratch(size_t words) : heap(words > 16 ? 2 * words : 0) {
        a = heap.empty() ? stack : heap.data();
        b = a + words;
    }
    uint64_t stack[32];
    std::vector<uint64_t> heap;
    uint64_t *a;
    uint64_t *b;
};

bool intersects(const uint64_t *x, const uint64_t *y, size_t words) {
    for (size_t w = 0; w < words; w++) {
        if (x[w] & y[w]) return true;
    }
    return false;
}
}  // namespace

bool DigitPattern::start(int digit, uint64_t *state) const {
    const uint64_t *accepting = &byDigit_[static_cast<size_t>(digit) * words_];
    uint64_t any = 0;
    for (size_t w = 0; w < words_; w++) {
        state[w] = first_[w] & accepting[w];
        any |= state[w];
    }
    return any != 0;
}

bool DigitPattern::matches(const char *digits, size_t length) const {
    if (length == 0) return nullable_;
    if (positions_ == 0) return false;
    Scratch scratch(words_);
    uint64_t *state = scratch.a;
    uint64_t *next = scratch.b;
    if (!start(digits[0] - '0', state)) return false;
    for (size_t i = 1; i < length; i++) {
        if (!step(state, digits[i] - '0', next)) return false;
        std::swap(state, next);
    }
    return intersects(state, last_.data(), words_);
}

bool DigitPattern::matchesPrefix(const char *digits, size_t length) const {
    if (nullable_) return true;
    if (length == 0 || positions_ == 0) return false;
    Scratch scratch(words_);
    uint64_t *state = scratch.a;
    uint64_t *next = scratch.b;
    if (!start(digits[0] - '0', state)) return false;
    if (intersects(state, last_.data(), words_)) return true;
    for (size_t i = 1; i < length; i++) {
        if (!step(state, digits[i] - '0', next)) return false;
        std::swap(state, next);
        if (intersects(state, last_.data(), words_)) return true;
    }
    return false;
}

std::string DigitPattern::sample(std::mt19937_64 &random, size_t limit) const {
    std::string text;
    std::vector<size_t> choices;
    auto pick = [&](const uint64_t *set) -> bool {
        choices.clear();
        for (size_t p = 0; p < positions_; p++) {
            if (set[p / 64] & (uint64_t{1} << (p % 64))) choices.push_back(p);
        }
        if (choices.empty()) return false;
        const size_t p = choices[random() % choices.size()];
        std::vector<int> digits;
        for (int d = 0; d < 10; d++) {
            if (accepts_[p] & (1u << d)) digits.push_back(d);
        }
        text.push_back(static_cast<char>('0' + digits[random() % digits.size()]));
        choices.assign(1, p);
        return true;
    };
    if (positions_ == 0 || !pick(first_.data())) return text;
    while (text.size() < limit) {
        const size_t p = choices.front();
        const bool canEnd = (last_[p / 64] >> (p % 64)) & 1;
        if (canEnd && random() % 4 == 0) break;
        if (!pick(&follow_[p * words_])) break;
    }
    return text;
}

}  // namespace promptgate
