// Weft.g4: the grammar of Weft, a statically typed subset of Python 3.11.
// The lexer rules below produce physical tokens only; compiler/parse's
// IndentingTokenSource turns NEWLINE runs into logical NEWLINE/INDENT/DEDENT
// tokens, drops newlines inside brackets and enforces the nesting limits
// before the parser ever runs. String literals (all prefixes and quote
// forms, f-strings included) are single STRING tokens: ParseTreeToAST decodes
// escapes and splits f-strings, re-invoking this parser on `fstringExpr`.
// Operators keep Python 3.11's precedence, loosest first.
grammar Weft;

tokens { INDENT, DEDENT }

// ---------------------------------------------------------------- entry points

fileInput : (NEWLINE | stmt)* EOF ;

/// The expression of an f-string replacement field, parsed on its own.
fstringExpr : (yieldExpr | starExprs) EOF ;

// ---------------------------------------------------------------- statements

stmt : simpleStmts | compoundStmt ;

simpleStmts : simpleStmt (';' simpleStmt)* ';'? NEWLINE ;

simpleStmt
  : exprStmt
  | delStmt
  | passStmt
  | breakStmt
  | continueStmt
  | returnStmt
  | raiseStmt
  | importName
  | importFrom
  | globalStmt
  | nonlocalStmt
  | assertStmt
  ;

// x = y = value | x: T = value | x += value | expression
exprStmt
  : yieldExpr
  | starExprs (annAssign | augAssignOp (yieldExpr | starExprs) | ('=' (yieldExpr | starExprs))*)
  ;

annAssign : ':' test ('=' (yieldExpr | starExprs))? ;

augAssignOp
  : '+=' | '-=' | '*=' | '@=' | '/=' | '%=' | '&=' | '|=' | '^='
  | '<<=' | '>>=' | '**=' | '//='
  ;

delStmt : 'del' exprList ;
passStmt : 'pass' ;
breakStmt : 'break' ;
continueStmt : 'continue' ;
returnStmt : 'return' starExprs? ;
raiseStmt : 'raise' (test ('from' test)?)? ;

importName : 'import' dottedAsName (',' dottedAsName)* ;
dottedAsName : dottedName ('as' NAME)? ;
importFrom
  : 'from' importDots* dottedName 'import' importTargets
  | 'from' importDots+ 'import' importTargets
  ;
importDots : '.' | '...' ;
importTargets
  : '(' importAsName (',' importAsName)* ','? ')'
  | importAsName (',' importAsName)*
  | '*'
  ;
importAsName : NAME ('as' NAME)? ;
dottedName : NAME ('.' NAME)* ;

globalStmt : 'global' NAME (',' NAME)* ;
nonlocalStmt : 'nonlocal' NAME (',' NAME)* ;
assertStmt : 'assert' test (',' test)? ;

compoundStmt
  : ifStmt
  | whileStmt
  | forStmt
  | tryStmt
  | withStmt
  | funcDef
  | classDef
  | decorated
  ;

ifStmt : 'if' namedExprTest ':' block elifClause* elseClause? ;
elifClause : 'elif' namedExprTest ':' block ;
elseClause : 'else' ':' block ;

whileStmt : 'while' namedExprTest ':' block elseClause? ;

forStmt : ASYNC? 'for' exprList 'in' starExprs ':' block elseClause? ;

tryStmt : 'try' ':' block (exceptClause+ elseClause? finallyClause? | finallyClause) ;
exceptClause : 'except' (test ('as' NAME)?)? ':' block ;
finallyClause : 'finally' ':' block ;

// The parenthesized form comes first, as in CPython: `with (a, b):` has two items.
withStmt
  : ASYNC? 'with' '(' withItem (',' withItem)* ','? ')' ':' block
  | ASYNC? 'with' withItem (',' withItem)* ':' block
  ;
withItem : test ('as' expr)? ;

block
  : simpleStmts
  | NEWLINE INDENT stmt+ DEDENT
  ;

decorated : decorator+ (classDef | funcDef) ;
decorator : '@' namedExprTest NEWLINE ;

funcDef : ASYNC? 'def' NAME typeParams? '(' paramList? ')' ('->' test)? ':' block ;

typeParams : '[' typeParam (',' typeParam)* ','? ']' ;
typeParam : NAME (':' test)? ;

// Order rules (`/` before `*`, defaults, one `*`) are checked while building the AST.
paramList : param (',' param)* ','? ;
param
  : NAME (':' test)? ('=' test)?
  | '*' (NAME (':' starOrTest)?)?
  | '**' NAME (':' test)?
  | '/'
  ;
starOrTest : test | starExpr ;

classDef : 'class' NAME typeParams? ('(' argList? ')')? ':' block ;

// ---------------------------------------------------------------- expressions

/// A comma list that may contain `*x`; a lone item without comma is not a tuple.
starExprs : (test | starExpr) (',' (test | starExpr))* ','? ;

/// Assignment, for and del targets (checked while building the AST).
exprList : (expr | starExpr) (',' (expr | starExpr))* ','? ;

namedExprTest : NAME ':=' test | test ;

test
  : orTest ('if' orTest 'else' test)?
  | lambdef
  ;
testNoCond : orTest | lambdefNoCond ;
lambdef : 'lambda' lambdaParamList? ':' test ;
lambdefNoCond : 'lambda' lambdaParamList? ':' testNoCond ;
lambdaParamList : lambdaParam (',' lambdaParam)* ','? ;
lambdaParam
  : NAME ('=' test)?
  | '*' NAME?
  | '**' NAME
  | '/'
  ;

orTest : andTest ('or' andTest)* ;
andTest : notTest ('and' notTest)* ;
notTest : 'not' notTest | comparison ;
comparison : expr (compOp expr)* ;
compOp : '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not' 'in' | 'is' | 'is' 'not' ;

starExpr : '*' expr ;

expr : xorExpr ('|' xorExpr)* ;
xorExpr : andExpr ('^' andExpr)* ;
andExpr : shiftExpr ('&' shiftExpr)* ;
shiftExpr : arithExpr (('<<' | '>>') arithExpr)* ;
arithExpr : term (('+' | '-') term)* ;
term : factor (('*' | '@' | '/' | '%' | '//') factor)* ;
factor : ('+' | '-' | '~') factor | power ;
power : awaitPrimary ('**' factor)? ;
awaitPrimary : AWAIT awaitPrimary | atom trailer* ;

atom
  : '(' (yieldExpr | testListComp)? ')'
  | '[' testListComp? ']'
  | '{' dictOrSetMaker? '}'
  | NAME
  | NUMBER
  | STRING+
  | '...'
  | 'None'
  | 'True'
  | 'False'
  ;

testListComp : (namedExprTest | starExpr) (compFor | (',' (namedExprTest | starExpr))* ','?) ;

trailer
  : '(' argList? ')'
  | '[' subscriptList ']'
  | '.' NAME
  ;
subscriptList : subscript (',' subscript)* ','? ;
subscript
  : NAME ':=' test
  | starExpr
  | test sliceTail?
  | sliceTail
  ;
sliceTail : ':' test? (':' test?)? ;

dictOrSetMaker
  : dictItem (compFor | (',' dictItem)* ','?)
  | (namedExprTest | starExpr) (compFor | (',' (namedExprTest | starExpr))* ','?)
  ;
dictItem : test ':' test | '**' expr ;

argList : argument (',' argument)* ','? ;
argument
  : NAME '=' test
  | namedExprTest compFor?
  | '**' test
  | '*' test
  ;

compFor : compClause+ ;
compClause : ASYNC? 'for' exprList 'in' orTest compIf* ;
compIf : 'if' testNoCond ;

yieldExpr : 'yield' ('from' test | starExprs)? ;

// ---------------------------------------------------------------- lexer

ASYNC : 'async' ;
AWAIT : 'await' ;

NUMBER : IMAG_NUMBER | FLOAT_NUMBER | INTEGER ;

// One token per literal, prefix and quotes included; ParseTreeToAST decodes it.
STRING : STRING_PREFIX? (SHORT_STRING | LONG_STRING) ;

// A string that reaches the end of its line (or of the file, when
// triple-quoted) without its closing quote; the token source reports it.
UNTERMINATED_TRIPLE
  : STRING_PREFIX? '\'\'\'' (~['\\] | ESC | '\'' (~['\\] | ESC) | '\'\'' (~['\\] | ESC))* ('\'' | '\'\'')? '\\'?
  | STRING_PREFIX? '"""' (~["\\] | ESC | '"' (~["\\] | ESC) | '""' (~["\\] | ESC))* ('"' | '""')? '\\'?
  ;
UNTERMINATED_STRING
  : STRING_PREFIX? '\'' (~[\\\r\n'] | ESC)* '\\'?
  | STRING_PREFIX? '"' (~[\\\r\n"] | ESC)* '\\'?
  ;

NAME : ID_START ID_CONTINUE* ;

NEWLINE : '\r'? '\n' | '\r' ;

WS : [ \t\f]+ -> channel(HIDDEN) ;
SKIP_COMMENT : '#' ~[\r\n]* -> skip ;
SKIP_LINE_JOIN : '\\' ('\r'? '\n' | '\r') -> skip ;

OPEN_PAREN : '(' ;
CLOSE_PAREN : ')' ;
OPEN_BRACK : '[' ;
CLOSE_BRACK : ']' ;
OPEN_BRACE : '{' ;
CLOSE_BRACE : '}' ;

/// Anything else: the token source reports it as an invalid character.
ERROR_CHAR : . ;

fragment STRING_PREFIX
  : [rRuUbBfF]
  | [bB][rR] | [rR][bB]
  | [fF][rR] | [rR][fF]
  ;
fragment SHORT_STRING
  : '\'' (~[\\\r\n'] | ESC)* '\''
  | '"' (~[\\\r\n"] | ESC)* '"'
  ;
fragment LONG_STRING
  : '\'\'\'' (~'\\' | ESC)*? '\'\'\''
  | '"""' (~'\\' | ESC)*? '"""'
  ;
fragment ESC : '\\' ('\r\n' | .) ;

fragment INTEGER
  : [1-9] ('_'? [0-9])*
  | '0' ('_'? '0')*
  | '0' [oO] ('_'? [0-7])+
  | '0' [xX] ('_'? [0-9a-fA-F])+
  | '0' [bB] ('_'? [01])+
  ;
fragment DIGITS : [0-9] ('_'? [0-9])* ;
fragment FLOAT_NUMBER
  : POINT_FLOAT
  | (DIGITS | POINT_FLOAT) EXPONENT
  ;
fragment POINT_FLOAT : DIGITS? '.' DIGITS | DIGITS '.' ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
fragment IMAG_NUMBER : (FLOAT_NUMBER | DIGITS) [jJ] ;

fragment ID_START : [_\p{L}\p{Nl}] ;
fragment ID_CONTINUE : [_\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}] ;
